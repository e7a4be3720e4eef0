// The viewer's one message table: every visible string, zh-CN first, English second.
// t('key', {n: 3}) fills {n}; the language comes from <html lang> (set by the server from the
// user's choice, switched with /lang/en or /lang/zh-CN) and can be switched in place.

export const MESSAGES = {
  'viewer.title': ['看图审查', 'Drawing viewer'],
  'viewer.loading': ['正在加载图纸…', 'Loading the sheet…'],
  'viewer.loading_markups': ['正在加载审查意见…', 'Loading review comments…'],
  'viewer.tiles': ['图块 {done}/{total}', 'Tiles {done}/{total}'],
  'viewer.load_failed': ['加载失败：{msg}', 'Loading failed: {msg}'],
  'viewer.back': ['返回项目', 'Back to project'],
  'viewer.sheet': ['图纸', 'Sheet'],
  'viewer.lang': ['English', '中文'],

  'nav.fit': ['适应窗口', 'Fit to sheet'],
  'nav.zoom_in': ['放大', 'Zoom in'],
  'nav.zoom_out': ['缩小', 'Zoom out'],
  'nav.coords': ['坐标', 'Coordinates'],
  'nav.keys': ['快捷键：方向键平移，+/- 缩放，0 适应窗口，Esc 取消，1–6 标注工具，M 测距，A 测面积，S 吸附端点', 'Keys: arrows pan, +/- zoom, 0 fit, Esc cancel, 1–6 markup tools, M distance, A area, S snap to ends'],

  'compare.toggle': ['对比上一版', 'Compare with previous revision'],
  'compare.legend': ['修订对比', 'Revision compare'],
  'compare.pending': ['正在生成对比图…', 'Building the overlay…'],
  'compare.previous': ['上一版：{name}', 'Previous revision: {name}'],
  'compare.none': ['没有可对比的上一版', 'There is no previous revision to compare with'],
  'compare.failed': ['无法显示对比：{msg}', 'Cannot show the compare: {msg}'],
  'compare.method.vector': ['矢量对比', 'Vector compare'],
  'compare.method.raster': ['图像对比', 'Raster compare'],
  'compare.steps': ['共 {n} 处变更', '{n} changes'],
  'compare.step': ['第 {i} / {n} 处', '{i} of {n}'],
  'compare.prev': ['上一处变更', 'Previous change'],
  'compare.next': ['下一处变更', 'Next change'],
  'compare.no_changes': ['两版之间没有发现变更', 'No changes between the two revisions'],
  'compare.hidden': ['另有 {n} 处变更位于默认隐藏的图层（{layers}），对比图上不显示', '{n} more changes are on layers hidden by default ({layers}) and are not drawn on the overlay'],
  'compare.method.hint.vector': ['按图元比较，放大后仍清晰', 'Compared entity by entity; sharp at every zoom'],
  'compare.method.hint.raster': ['按图像比较，放大后会模糊', 'Compared as images; blurs when zoomed in'],

  'tool.label': ['工具', 'Tools'],
  'tool.select': ['选择', 'Select'],
  'tool.pin': ['图钉', 'Pin'],
  'tool.rect': ['矩形', 'Rectangle'],
  'tool.cloud': ['云线', 'Revision cloud'],
  'tool.arrow': ['箭头', 'Arrow'],
  'tool.polyline': ['折线', 'Polyline'],
  'tool.text': ['文字', 'Text'],
  'tool.measure_distance': ['测距离', 'Measure distance'],
  'tool.measure_area': ['测面积', 'Measure area'],
  'tool.snap': ['吸附端点', 'Snap to ends'],
  'tool.hint.select': ['点击标注查看意见；拖动平移，滚轮缩放', 'Click a markup to read it; drag to pan, wheel to zoom'],
  'tool.hint.pin': ['在图上点击放置图钉，Esc 取消', 'Click on the sheet to place a pin; Esc cancels'],
  'tool.hint.rect': ['按住拖动画矩形（或点击两个对角），Esc 取消', 'Press and drag a rectangle (or click two corners); Esc cancels'],
  'tool.hint.cloud': ['按住拖动画云线框（或点击两个对角），Esc 取消', 'Press and drag a revision cloud (or click two corners); Esc cancels'],
  'tool.hint.arrow': ['点击起点和终点画箭头，Esc 取消', 'Click the tail, then the head of the arrow; Esc cancels'],
  'tool.hint.polyline': ['逐点点击，双击结束折线，Esc 取消', 'Click each point, double-click to end; Esc cancels'],
  'tool.hint.text': ['点击放置文字标注，Esc 取消', 'Click where the text goes; Esc cancels'],
  'tool.hint.measure_distance': ['逐点点击量取距离，双击结束', 'Click along the distance, double-click to end'],
  'tool.hint.measure_area': ['逐点点击围合区域，双击结束', 'Click around the area, double-click to end'],
  'severity.badge.mandatory': ['强', '!'],
  'tool.readonly': ['您的角色不能添加标注', 'Your role cannot add markups'],

  'measure.distance': ['距离 {v}', 'Distance {v}'],
  'measure.area': ['面积 {v}', 'Area {v}'],
  'measure.no_scale': ['（无比例信息，单位为图纸点）', '(no scale known; in sheet points)'],
  'measure.clear': ['清除测量', 'Clear measurements'],

  'layers.title': ['图层', 'Layers'],
  'layers.none': ['此图纸没有图层信息', 'This sheet has no layers'],
  'layers.count': ['{n} 个图元', '{n} entities'],
  'layers.all_on': ['全部显示', 'Show all'],
  'layers.all_off': ['全部隐藏', 'Hide all'],
  'layers.off': ['（原图中已关闭，未出图；可勾选查看）', '(off in the drawing, not plotted; tick to see it)'],
  'layers.noplot': ['（原图中设为不打印；可勾选查看）', '(not plotted in the drawing; tick to see it)'],
  'layers.beyond_page': ['部分内容在图幅之外，显示时在图边被裁切', 'part of it lies outside the sheet and is cut at its edge when shown'],
  'layers.frozen': ['（原图中已冻结，未出图）', '(frozen in the drawing, not plotted)'],

  'search.title': ['图内搜索', 'Search in sheet'],
  'search.placeholder': ['搜索图中文字，如 楼梯间', 'Search text in the sheet, e.g. 楼梯间'],
  'search.go': ['搜索', 'Search'],
  'search.none': ['没有找到“{q}”', 'No match for “{q}”'],
  'search.count': ['找到 {n} 处', '{n} matches'],
  'search.hidden_layer': ['（位于默认隐藏的图层 {layer}）', '(on layer {layer}, hidden by default)'],

  'list.title': ['审查意见', 'Review comments'],
  'side.hide': ['收起面板', 'Hide panel'],
  'side.show': ['显示面板', 'Show panel'],

  'round.closed': ['本项目审查已完结（{stage}），审查意见不能再新增、修改或回复',
    'The review of this project is finished ({stage}); comments can no longer be added, changed or answered'],
  'round.newer': ['这是第 {rev} 版图纸；第 {latest} 版已提交，请在新版图纸上审查和回复',
    'This is revision {rev}; revision {latest} has been submitted: review and reply on the new revision'],
  'round.issued': ['第 {round} 轮审查意见书已于 {day} 出具；此后新增的意见计入下一轮审查',
    "Round {round}'s report was issued on {day}; comments added from now on count in the next round"],
  'assigned.note': ['本专业的审查任务已分派给其他审查人员：您可以查看和回复，不能新增或修改标注、处理规则检查结果',
    "This discipline's review task is assigned to another reviewer: you may read and reply, but not add or change markups or decide findings"],
  'stage.approved': ['审查合格', 'approved'],
  'stage.rejected': ['审查不合格', 'rejected'],
  'list.empty': ['没有符合条件的意见', 'No comments match'],
  'list.count': ['共 {n} 条', '{n} in total'],
  'filter.discipline': ['专业', 'Discipline'],
  'filter.status': ['状态', 'Status'],
  'filter.severity': ['性质', 'Severity'],
  'filter.sheet': ['图纸', 'Sheet'],
  'filter.all': ['全部', 'All'],
  'filter.this_sheet': ['本图', 'This sheet'],
  'filter.sheet_search': ['搜索图号、图名、文件名', 'Search number, title or file'],
  'filter.auto': ['来源', 'Source'],
  'filter.auto.manual': ['人工', 'Manual'],
  'filter.auto.automatic': ['自动', 'Automatic'],

  'discipline.planning': ['规划', 'Planning'],
  'discipline.fire': ['消防', 'Fire protection'],
  'discipline.civil_defence': ['人防', 'Civil air defence'],
  'discipline.lightning': ['防雷', 'Lightning protection'],
  'discipline.meteorology': ['气象', 'Meteorology'],
  'discipline.drawing': ['制图', 'Drawing standards'],
  'discipline.other': ['其他', 'Other'],

  'severity.mandatory': ['违反强制性条文', 'Mandatory clause'],
  'severity.general': ['一般问题', 'General'],
  'severity.suggestion': ['建议', 'Suggestion'],
  'status.open': ['待答复', 'Open'],
  'status.answered': ['已答复', 'Answered'],
  'status.closed': ['已关闭', 'Closed'],
  'kind.pin': ['图钉', 'Pin'],
  'kind.rect': ['矩形', 'Rectangle'],
  'kind.cloud': ['云线', 'Cloud'],
  'kind.arrow': ['箭头', 'Arrow'],
  'kind.polyline': ['折线', 'Polyline'],
  'kind.text': ['文字', 'Text'],

  'markup.new': ['新建审查意见', 'New review comment'],
  'markup.body': ['意见内容', 'Comment'],
  'markup.body_placeholder': ['写下审查意见…', 'Write the review comment…'],
  'markup.text': ['图上文字', 'Text on the sheet'],
  'markup.severity': ['性质', 'Severity'],
  'markup.clause': ['依据条文（可选）', 'Clause (optional)'],
  'markup.clause_placeholder': ['如 GB 50016-2014 第 5.5.17 条', 'e.g. GB 50016-2014 5.5.17'],
  'markup.save': ['保存', 'Save'],
  'markup.cancel': ['取消', 'Cancel'],
  'markup.edit': ['编辑', 'Edit'],
  'markup.delete': ['删除', 'Delete'],
  'markup.delete_confirm': ['确定删除这条意见？', 'Delete this comment?'],
  'markup.library': ['常用意见', 'Standard comments'],
  'markup.library_empty': ['没有常用意见', 'No standard comments'],
  'markup.library_insert': ['插入', 'Insert'],
  'markup.by': ['{name} · {time}', '{name} · {time}'],
  'markup.automatic': ['自动检查', 'Automatic'],
  'markup.pending': ['待发送', 'Not yet sent'],
  'markup.on_other_sheet': ['在图纸 {sheet}', 'On sheet {sheet}'],
  'markup.goto': ['定位', 'Show'],

  'thread.title': ['意见详情', 'Comment thread'],
  'thread.close': ['关闭', 'Close'],
  'thread.replies': ['回复', 'Replies'],
  'thread.no_replies': ['暂无回复', 'No replies yet'],
  'thread.reply_placeholder': ['回复…', 'Reply…'],
  'thread.reply': ['回复', 'Reply'],
  'thread.set_answered': ['标记为已答复', 'Mark answered'],
  'thread.set_closed': ['关闭意见', 'Close comment'],
  'thread.reopen': ['重新打开', 'Reopen'],
  'thread.gone_by': ['这条意见已被 {name} 删除。', 'This comment was deleted by {name}.'],
  'thread.gone': ['这条意见已被删除。', 'This comment was deleted.'],
  'thread.gone_draft': ['您的回复未发送，内容保留在下面，可复制后另行回复：', 'Your reply was not sent; it is kept below to copy and use elsewhere:'],

  'finding.title': ['自动检查结果', 'Automatic finding'],
  'finding.confirm': ['确认为意见', 'Confirm as comment'],
  'finding.dismiss': ['驳回', 'Dismiss'],
  'finding.reason': ['驳回理由', 'Reason for dismissal'],
  'finding.reason_required': ['请填写驳回理由', 'Please give a reason'],
  'finding.whole_sheet': ['整张图纸', 'Whole sheet'],
  'finding.whole_sheet_note': ['此项针对整张图纸（如图形单位、文件结构），图上没有标注位置。',
    'This concerns the whole sheet (e.g. its units or the file structure): it has no place on the drawing.'],
  'finding.rule': ['规则 {id}', 'Rule {id}'],
  'finding.measured': ['实测 {m}，要求 {r}', 'measured {m}, required {r}'],
  'finding.facts': ['判定依据', 'Facts the check used'],
  'finding.assumed': ['图面未注明，按默认值检查，请核实', 'Not on the drawing: checked with the default, please verify'],
  'fact.height': ['高度', 'height'],
  'fact.storeys': ['层数', 'storeys'],
  'fact.rating': ['耐火等级', 'fire-resistance rating'],
  'fact.use': ['使用性质', 'use'],
  'fact.sprinklers': ['自动喷水灭火系统', 'sprinklers'],
  'fact.high_rise': ['高层建筑', 'high-rise'],
  'fact.building_height_m': ['建筑高度', 'building height'],
  'fact.underground': ['地下部分', 'underground'],
  'fact.default_fire_rating': ['耐火等级', 'fire-resistance rating'],
  'fact.storey_height_m': ['层高', 'storey height'],
  'fact.lightning_class': ['防雷类别', 'lightning protection class'],
  'fact.structure': ['结构类型', 'structure'],
  'fact.units': ['图形单位', 'drawing units'],

  'presence.title': ['在线', 'Who is here'],
  'presence.here': ['本图', 'this sheet'],
  'presence.other': ['图纸 {sheet}', 'sheet {sheet}'],
  'presence.project': ['项目页', 'project page'],
  'presence.you': ['（我）', '(you)'],

  'sync.online': ['已连接', 'Connected'],
  'sync.connecting': ['正在连接…', 'Connecting…'],
  'sync.denied': ['实时连接被拒绝（已退出登录、账号停用或不再参与本项目），请重新登录；{n} 项修改未发送', 'Live connection refused (signed out, account deactivated or no longer on this project): sign in again; {n} changes not sent'],
  'sync.offline': ['离线：{n} 项修改待发送', 'Offline: {n} changes waiting'],
  'sync.sending': ['正在发送 {n} 项修改…', 'Sending {n} changes…'],
  'sync.conflict': ['“{what}”已被 {name} 修改，您的修改未保存。已显示最新内容，请核对后重做。', '“{what}” was changed by {name}; your change was not saved. The latest version is shown: please check and redo.'],
  'sync.conflict_status': ['“{what}”已被 {name} 改为“{status}”，您的修改未保存。已显示最新内容，请核对后重做。', '“{what}” was set to “{status}” by {name}; your change was not saved. The latest version is shown: please check and redo.'],
  'sync.conflict_title': ['修改冲突', 'Edit conflict'],
  'sync.conflict_yours': ['您的修改', 'Your change'],
  'sync.conflict_keep': ['重新应用我的修改', 'Apply my change again'],
  'sync.conflict_drop': ['放弃我的修改', 'Discard my change'],
  'sync.error': ['操作失败：{msg}', 'Failed: {msg}'],
  'sync.retrying': ['服务器未能保存修改（第 {n}/{max} 次），{s} 秒后自动重试', 'The server could not save a change (try {n} of {max}); retrying in {s} s'],
  'sync.slow': ['服务器繁忙，{n} 项修改稍后自动发送', 'The server is busy: {n} changes will be sent shortly'],
  'sync.remote': ['{name}：{what}', '{name}: {what}'],
  'sync.remote_mine': ['{name}：{what}（您在图纸 {sheet} 上的意见）', '{name}: {what} (your comment on sheet {sheet})'],
  'event.created': ['新增意见', 'added a comment'],
  'event.updated': ['修改了意见', 'edited a comment'],
  'event.deleted': ['删除了意见', 'deleted a comment'],
  'event.reply': ['回复了意见', 'replied'],
  'event.status': ['更改了状态为 {status}', 'set status to {status}'],

  'unit.m': ['米', 'm'],
  'unit.m2': ['平方米', 'm²'],
  'unit.pt': ['点', 'pt'],
};

let current = (typeof document !== 'undefined' && document.documentElement.lang) || 'zh-CN';

export function lang() {
  return current;
}

export function setLang(value) {
  current = value === 'en' ? 'en' : 'zh-CN';
  document.documentElement.lang = current;
}

export function t(key, params) {
  const row = MESSAGES[key];
  let text = row ? row[current === 'en' ? 1 : 0] : key;
  if (params) {
    for (const [k, v] of Object.entries(params)) text = text.split(`{${k}}`).join(String(v));
  }
  return text;
}

// Server error envelopes carry {"messages": {"zh-CN", "en"}}: pick ours.
export function serverMessage(err) {
  if (!err) return '';
  const m = err.messages || (err.error && err.error.messages);
  if (m) return m[current] || m['zh-CN'] || m.en || '';
  return err.message || (err.error && err.error.message) || String(err);
}

// Fill every element carrying data-i18n (text), data-i18n-title, data-i18n-placeholder.
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}
