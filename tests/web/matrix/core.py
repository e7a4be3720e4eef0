from . import REVIEWERS, expect

ROWS = {
    ("GET", "/api/me"): (lambda s, w: {}, expect(200)),
    ("POST", "/api/tokens"): (lambda s, w: {"json": {"name": "t"}}, expect(200)),
    ("GET", "/api/projects"): (lambda s, w: {}, expect(200)),
    ("POST", "/api/projects"): (
        lambda s, w: {"json": {"name": "权限测试项目", "construction_unit_id": s.demo["organisations"]["示范置业有限公司"],
                               "design_institute_id": s.demo["organisations"]["示范建筑设计研究院有限公司"]}},
        expect(403, window=200, designer=200),
    ),
    ("GET", "/api/projects/{project_id}"): (lambda s, w: {}, expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})),
}


def prepare(stack, client, world):
    world["project_id"] = stack.demo["project_id"]
