"""The one message table for visible strings: zh-CN first, English second."""

MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("联合图审", "Joint Drawing Review"),
    "app.tagline": ("互联网+联合图审：一次上传，多专业并联审查", "Upload once, every discipline reviews in parallel"),
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.throttled": ("登录尝试过多，请稍后再试", "Too many login attempts; try again later"),
    "logout": ("退出登录", "Log out"),
    "lang.switch": ("English", "中文"),
    "projects.title": ("我的项目", "My projects"),
    "projects.empty": ("暂无项目", "No projects yet"),
    "project.case_number": ("受理编号", "Case number"),
    "project.name": ("项目名称", "Project"),
    "project.type": ("项目类型", "Type"),
    "project.stage": ("阶段", "Stage"),
    "project.address": ("建设地点", "Address"),
    "type.building": ("房屋建筑", "Building"),
    "type.municipal": ("市政基础设施", "Municipal"),
    "type.special": ("特殊建设工程", "Special"),
    "role.window": ("联审窗口", "Joint-review window"),
    "role.reviewer": ("审查人员", "Reviewer"),
    "role.designer": ("设计单位", "Design institute"),
    "role.construction": ("建设单位", "Construction unit"),
    "role.admin": ("管理员", "Administrator"),
    "discipline.planning": ("规划", "Planning"),
    "discipline.fire": ("消防", "Fire protection"),
    "discipline.civil_defence": ("人防", "Civil air defence"),
    "discipline.lightning": ("防雷", "Lightning protection"),
    "discipline.meteorology": ("气象", "Meteorology"),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to start"),
}


def t(key: str, lang: str = "zh-CN") -> str:
    zh, en = MESSAGES.get(key, (key, key))
    return en if lang.startswith("en") else zh


def translator(lang: str):
    return lambda key: t(key, lang)
