"""The left menu, by role. A page appears only for the capability that may open it, and a
work list of the registration authority (社会组织登记、年检、收费与慈善支出检查) or of the county's
marriage registry and cemeteries, or the county's bank files, only for the roles that do that
work (MANAGE_ORGANISATIONS, REGISTRY_OFFICE, BANK_FILES): a township's or a village's scope never
holds their rows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from minzheng.accounts.breadcrumbs import trail_for
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability as C


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    capability: C | None
    group: str


MENU: tuple[MenuItem, ...] = (
    MenuItem("工作台", "home", None, "首页"),
    MenuItem("人员查询", "registry:person_list", C.CASE_DATA, "救助对象"),
    MenuItem("家庭户", "registry:household_list", C.CASE_DATA, "救助对象"),
    MenuItem("家庭户导入", "registry_import:import_page", C.EDIT_CASES, "救助对象"),
    MenuItem("家庭变更申请", "registry:change_request_list", C.CASE_DATA, "救助对象"),
    MenuItem("疑似同一人", "linkage:queue", C.CASE_DATA, "救助对象"),
    MenuItem("身份冲突名单", "linkage:conflicts", C.CASE_DATA, "救助对象"),
    MenuItem("两线合一导入", "linkage:roster_import", C.EDIT_CASES, "救助对象"),
    MenuItem("救助申请", "applications:queue", C.CASE_DATA, "社会救助"),
    MenuItem("窗口受理", "applications:new", C.EDIT_CASES, "社会救助"),
    MenuItem("复核任务", "applications:reviews", C.CASE_DATA, "社会救助"),
    MenuItem("快速通道", "applications:fast_track", C.CASE_DATA, "社会救助"),
    MenuItem("低保抽查", "applications:spot_checks", C.CASE_DATA, "社会救助"),
    MenuItem("短信发件箱", "applications:sms_outbox", C.MANAGE_USERS, "系统管理"),
    MenuItem("发放花名册", "payments:roll_list", C.CASE_DATA, "资金发放"),
    MenuItem("发放异常", "payments:exceptions", C.CASE_DATA, "资金发放"),
    MenuItem("补发", "payments:back_pays", C.CASE_DATA, "资金发放"),
    MenuItem("银行文件", "payments:bank_files", C.BANK_FILES, "资金发放"),
    MenuItem("银行账户变更", "payments:account_changes", C.CASE_DATA, "资金发放"),
    MenuItem("机构收款账户", "payments:provider_accounts", C.CASE_DATA, "资金发放"),
    MenuItem("临时救助", "payments:temporary_cases", C.CASE_DATA, "资金发放"),
    MenuItem("银行文件模板", "payments:bank_templates", C.BANK_FILES, "资金发放"),
    MenuItem("发放统计", "payments:reports", C.VIEW_STATISTICS, "资金发放"),
    MenuItem("统计分析", "dashboard:home", C.VIEW_STATISTICS, "统计分析"),
    MenuItem("统计月报", "dashboard:report", C.VIEW_STATISTICS, "统计分析"),
    MenuItem("指标说明", "dashboard:definitions", C.VIEW_STATISTICS, "统计分析"),
    MenuItem("物价补贴", "payments:price_indices", C.VIEW_STATISTICS, "资金发放"),
    MenuItem("审计日志", "audit_log", C.VIEW_AUDIT, "安全审计"),
    MenuItem("账号解锁", "accounts:locked_users", C.MANAGE_SECURITY, "安全管理"),
    MenuItem("登录日志", "accounts:login_log", C.MANAGE_SECURITY, "安全管理"),
    MenuItem("授权审批", "accounts:access_requests", C.MANAGE_SECURITY, "安全管理"),
    MenuItem("用户管理", "accounts:user_list", C.MANAGE_USERS, "系统管理"),
    MenuItem("接口客户端", "api_clients", C.MANAGE_USERS, "系统管理"),
    MenuItem("政策参数", "assistance:parameter_list", C.MANAGE_PARAMETERS, "社会救助"),
    MenuItem("存量数据迁移", "adoption:migrate", C.MANAGE_PARAMETERS, "系统管理"),
    MenuItem("迁移金额核对", "adoption:reviews", C.CASE_DATA, "社会救助"),
    MenuItem("修改密码", "accounts:password", None, "首页"),
    MenuItem("字典管理", "dictionary:labels", C.MANAGE_PARAMETERS, "系统管理"),
    MenuItem("预警处置", "monitoring:warning_list", C.CASE_DATA, "动态监测"),
    MenuItem("部门核对数据", "verification:feed_list", C.CASE_DATA, "动态监测"),
    MenuItem("批量核对结果", "verification:batch_results", C.CASE_DATA, "动态监测"),
    MenuItem("医疗救助结算", "medical:settlement_list", C.CASE_DATA, "医疗救助"),
    MenuItem("定点医院", "medical:hospitals", C.CASE_DATA, "医疗救助"),
    MenuItem("定点医院登记", "medical:hospitals", C.MANAGE_USERS, "系统管理"),
    MenuItem("医院月结单", "medical:statements", C.CASE_DATA, "医疗救助"),
    MenuItem("医院对账", "medical:reconciliation", C.CASE_DATA, "医疗救助"),
    # 社会组织与慈善 (organisations, charity)
    MenuItem("社会组织", "organisations:organisation_list", C.CASE_DATA, "社会组织"),
    MenuItem("登记申请", "organisations:application_list", C.MANAGE_ORGANISATIONS, "社会组织"),
    MenuItem("年检年报", "organisations:annual_list", C.MANAGE_ORGANISATIONS, "社会组织"),
    MenuItem("信用名录", "organisations:credit_list", C.CASE_DATA, "社会组织"),
    MenuItem("证书到期提醒", "organisations:expiry_list", C.MANAGE_ORGANISATIONS, "社会组织"),
    MenuItem("收费检查", "organisations:fee_inspection_list", C.MANAGE_ORGANISATIONS, "社会组织"),
    MenuItem("社会组织统计", "organisations:statistics", C.VIEW_STATISTICS, "社会组织"),
    MenuItem("慈善组织", "charity:charity_list", C.CASE_DATA, "慈善"),
    MenuItem("捐赠收入", "charity:donation_list", C.MANAGE_ORGANISATIONS, "慈善"),
    MenuItem("支出比例检查", "charity:spending_checks", C.MANAGE_ORGANISATIONS, "慈善"),
    MenuItem("慈善一日捐", "charity:campaign_list", C.CASE_DATA, "慈善"),
    MenuItem("慈善信托", "charity:trust_list", C.CASE_DATA, "慈善"),
    MenuItem("信息公开", "charity:disclosure_list", C.CASE_DATA, "慈善"),
    MenuItem("婚姻登记", "civil:registrations", C.REGISTRY_OFFICE, "婚姻殡葬"),
    MenuItem("登记预约", "civil:appointments", C.REGISTRY_OFFICE, "婚姻殡葬"),
    MenuItem("离婚冷静期", "civil:divorces", C.REGISTRY_OFFICE, "婚姻殡葬"),
    MenuItem("殡葬服务", "civil:funeral", C.CASE_DATA, "婚姻殡葬"),
    MenuItem("清明祭扫", "civil:qingming", C.REGISTRY_OFFICE, "婚姻殡葬"),
    MenuItem("一件事联办", "civil:joint_cases", C.CASE_DATA, "婚姻殡葬"),
    MenuItem("婚姻殡葬统计", "civil:statistics", C.CASE_DATA, "婚姻殡葬"),
    MenuItem("地名管理", "civil:place_names", C.CASE_DATA, "婚姻殡葬"),
    MenuItem("标准地址", "civil:addresses", C.CASE_DATA, "婚姻殡葬"),
    MenuItem("后台任务", "jobs:job_list", C.CASE_DATA, "后台任务"),
    MenuItem("后台任务", "jobs:job_list", C.MANAGE_USERS, "系统管理"),
    MenuItem("定时计划", "jobs:schedule_list", C.MANAGE_USERS, "系统管理"),
    MenuItem("孤儿与困境儿童", "children:case_list", C.CASE_DATA, "儿童福利"),
    MenuItem("儿童主任", "children:directors", C.CASE_DATA, "儿童福利"),
    MenuItem("儿童待走访", "children:visits_due", C.CASE_DATA, "儿童福利"),
    MenuItem("投诉举报", "grievances:list", C.CASE_DATA, "投诉举报"),
    MenuItem("救助热线登记", "grievances:desk", C.CASE_DATA, "投诉举报"),
    MenuItem("行政复议诉讼", "grievances:appeals", C.CASE_DATA, "投诉举报"),
    MenuItem("大排摸", "outreach:campaign_list", C.CASE_DATA, "社会救助"),
    MenuItem("流浪乞讨救助", "rescue:stay_list", C.CASE_DATA, "救助管理站"),
    MenuItem("入站登记", "rescue:stay_new", C.EDIT_CASES, "救助管理站"),
    MenuItem("救助管理站", "rescue:stations", C.CASE_DATA, "救助管理站"),
    MenuItem("救助统计", "rescue:statistics", C.CASE_DATA, "救助管理站"),
    MenuItem("物资库存", "inkind:stock", C.CASE_DATA, "实物救助"),
    MenuItem("物资发放", "inkind:distribution_list", C.CASE_DATA, "实物救助"),
    MenuItem("救助券", "inkind:vouchers", C.CASE_DATA, "实物救助"),
    MenuItem("能力评估", "eldercare:assessment_list", C.CASE_DATA, "养老服务"),
    MenuItem("评估录入", "eldercare:assessment_new", C.EDIT_CASES, "养老服务"),
    MenuItem("高龄津贴", "eldercare:allowance_list", C.CASE_DATA, "养老服务"),
    MenuItem("老年助餐", "eldercare:meal_points", C.CASE_DATA, "养老服务"),
    MenuItem("就餐记录", "eldercare:meal_records", C.CASE_DATA, "养老服务"),
    MenuItem("助餐点月结", "eldercare:meal_statements", C.CASE_DATA, "养老服务"),
    MenuItem("养老机构", "institutions:list", C.CASE_DATA, "养老服务"),
    MenuItem("入住老人", "institutions:residents", C.CASE_DATA, "养老服务"),
    MenuItem("机构检查", "institutions:inspections", C.CASE_DATA, "养老服务"),
    MenuItem("综合责任险", "institutions:insurance", C.CASE_DATA, "养老服务"),
    MenuItem("养老床位指标", "institutions:indicators", C.CASE_DATA, "养老服务"),
    MenuItem("适老化改造", "eldercare:adaptation_list", C.CASE_DATA, "养老服务"),
    MenuItem("居家服务工单", "eldercare:order_list", C.CASE_DATA, "养老服务"),
    MenuItem("居家服务组织", "eldercare:provider_list", C.CASE_DATA, "养老服务"),
    MenuItem("时间银行", "eldercare:timebank", C.CASE_DATA, "养老服务"),
    MenuItem("居家养老统计", "eldercare:home_statistics", C.CASE_DATA, "养老服务"),
)


def menu_for(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(group, list(items)) for group, items in _menu(user.capabilities, settings.DEMO_MODE)]


@lru_cache(maxsize=64)
def _menu(
    capabilities: frozenset[C], demo_mode: bool
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The menu of one set of capabilities, resolved once per process (every page renders it)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in MENU:
        if item.capability is not None and item.capability not in capabilities:
            continue
        if item.url_name == "applications:sms_outbox" and not demo_mode:
            continue  # the development outbox exists only in demo mode
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(item.group, []).append((item.label, url))
    return tuple((group, tuple(items)) for group, items in groups.items())


@lru_cache(maxsize=1024)
def _menu_html(capabilities: frozenset[C], demo_mode: bool, path: str) -> SafeString:
    """The sidebar's HTML for one menu and one current address. Rendered by the template it was
    ~250 variable nodes, a third of a short list page's CPU (cProfile, 2026-12-03)."""
    parts = []
    for group, items in _menu(capabilities, demo_mode):
        parts.append(format_html('<div class="menu-group">{}</div>\n<ul>', group))
        for label, url in items:
            active = mark_safe(' class="active"') if url == path else ""
            parts.append(format_html('<li><a href="{}"{}>{}</a></li>', url, active, label))
        parts.append(mark_safe("</ul>\n"))
    return mark_safe("".join(parts))


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        menu = menu_for(user)
        # Only an address of the menu itself is kept as its own entry: every other page shares one.
        urls = {url for _, items in menu for _, url in items}
        path = request.path if request.path in urls else ""
        return {
            "menu": menu,
            "menu_html": _menu_html(user.capabilities, settings.DEMO_MODE, path),
            "trail": trail_for(request.path, menu),
        }
    return {"menu": []}
