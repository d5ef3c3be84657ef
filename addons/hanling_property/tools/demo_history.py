"""Six months of history for the demo office 翰岭院 (issue 18, item 2).

``generate(env, months=6, seed=...)`` fills the demo database of ``make run`` (scripts/run.sh
calls it once, after installing the addons) with the life of the office over the last months:
work orders in every state (late arrivals, residents not at home, reworks, fees fixed by the two
supervisors, callbacks, invoices paid), complaints with escalations and nonconformity reports,
decoration permits with deposits held and refunded, move-ins and ownership transfers, classes
with registrations, and - when those addons are installed - errands, goods deliveries, archive
loans and an inspection.

Everything goes through the actions users press (the workflow steps of the kernel), never through
``workflow_grant`` or SQL: the documents, their chatter, the invoices and payments are those the
office would have made. The time of each action is the story's: the clock is moved back with
freezegun (``datetime.now`` and the cursor's timestamp, so ``create_date``/``write_date`` too) to
the moment the action happens, and all the stories run in one time-ordered queue, so invoices,
payments and their journal sequences follow the calendar.

Randomness comes from ``random.Random(seed)`` only, consumed in a fixed order: one seed gives the
same office for the same "today".

Extension point: another addon adds its own part of the story with ``register``::

    from odoo.addons.hanling_property.tools import demo_history

    @demo_history.register("hanling_fees", sequence=50)
    def _fees_history(history):
        for month_start in history.month_starts():
            history.story(month_start, _bill_story(history, month_start), "bill")

A registered generator runs only when its addon is installed. It receives the ``History``
(env, rng, start, end, roles, units, residents, scale) and schedules stories: Python generators
that do one step of a document, then ``yield`` the time of their next step.

A step that fails (an action refused, a changed signature) is rolled back to its savepoint and
logged as a warning; its story stops there and the rest of the office goes on.
"""

import heapq
import logging
import random
import time
from datetime import timedelta

from odoo import fields

_logger = logging.getLogger(__name__)

# A 1x1 PNG: what the signature widget stores.
SIGNATURE = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
# The office works in Shanghai time (UTC+8); stories are written in local hours.
TZ_OFFSET = timedelta(hours=8)

# Who does a role's work: its users without the role above, which implies it.
PROPER_ROLES = {
    "group_technician": "group_eng_supervisor",
    "group_duty_officer": "group_eng_supervisor",
    "group_cs_staff": "group_cs_supervisor",
    "group_eng_supervisor": "group_manager",
    "group_cs_supervisor": "group_manager",
    "group_manager": "group_company_rep",
}
# {(addon, name): (sequence, addon, name, function)}
GENERATORS = {}
# {addon: function(history, transfer)}: what an installed addon settles before a transfer is
# completed (hanling_fees: the seller pays the unit's fees owed at the counter).
BEFORE_TRANSFER = {}


def register(addon, sequence=100, name=None):
    """Add a part of the history, run when ``addon`` is installed (see the module docstring)."""

    def decorator(function):
        key = (addon, name or function.__name__)
        GENERATORS[key] = (sequence, addon, key[1], function)
        return function

    return decorator


class History:
    """The clock, the random source, the people and places of the story, and its queue."""

    def __init__(self, env, months, seed, community, scale, end):
        self.env = env
        self.rng = random.Random(seed)
        self.scale = scale
        self.end = end
        self.start = end - timedelta(days=round(30.5 * months))
        self.community = community
        self.company = community.company_id
        self.units = env["hanling.unit"].search([("community_id", "=", community.id)], order="id")
        # The residents living there over the whole period (the owner first).
        occupancies = env["hanling.occupancy"].search(
            [
                ("unit_id", "in", self.units.ids),
                ("date_start", "<=", self.start.date()),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", end.date()),
            ],
            order="id",
        )
        self.residents = {}
        for occupancy in occupancies.sorted(lambda o: (o.role != "owner", o.id)):
            self.residents.setdefault(occupancy.unit_id, occupancy.partner_id)
        self.stats = {"steps": 0, "failed": 0, "stories": 0}
        self.warnings = []
        # (time, story) of every step run, in the order run.
        self.trace = []
        self._queue = []
        self._seq = 0
        self._roles = {}

    # ------------------------------------------------------------------ people and places

    def role(self, group, exclude=None, index=0):
        """A user of the role in the company (the n-th when there are several), or the admin."""
        key = (group, exclude)
        if key not in self._roles:

            def xmlid(name):
                return name and (name if "." in name else f"hanling_property.{name}")

            users = self.env["res.users"]._hanling_role_users(xmlid(group), self.company)
            # The people of the role proper: a higher role (a supervisor, the office manager)
            # holds the roles below it by implication.
            higher = xmlid(exclude or PROPER_ROLES.get(group))
            if higher:
                # sudo: group membership, to pick who plays each role (the generator runs as admin)
                higher = self.env.ref(higher).sudo()
                users = users.filtered(lambda u: higher not in u.sudo().groups_id) or users
            self._roles[key] = users
        users = self._roles[key]
        if not users:
            return self.env.user
        return users[index % len(users)]

    def as_(self, record, group, exclude=None, index=0):
        return record.with_user(self.role(group, exclude, index))

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def occupied_unit(self):
        units = list(self.residents)
        return self.pick(units) if units else None

    def month_starts(self):
        day = self.start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        while day < self.end:
            if day >= self.start:
                yield day
            day = (day + timedelta(days=32)).replace(day=1)

    def local(self, day, hour, minute=0):
        """``day`` (any datetime) at ``hour:minute`` Shanghai time, as naive UTC."""
        local_day = (day + TZ_OFFSET).replace(hour=0, minute=0, second=0, microsecond=0)
        return local_day + timedelta(hours=hour, minutes=minute) - TZ_OFFSET

    def random_time(self, lo=None, hi=None, hours=(8, 20)):
        lo, hi = lo or self.start, hi or self.end
        span = max((hi - lo).total_seconds(), 1)
        day = lo + timedelta(seconds=self.rng.random() * span)
        moment = self.local(day, self.rng.randint(hours[0], hours[1] - 1), self.rng.randint(0, 59))
        return min(max(moment, lo), hi - timedelta(minutes=1))

    # ------------------------------------------------------------------ the queue

    def story(self, when, generator, name):
        """Run ``generator`` from ``when``: each ``yield`` gives the time of its next step."""
        if when >= self.end:
            return
        self._seq += 1
        self.stats["stories"] += 1
        heapq.heappush(self._queue, (when, self._seq, name, generator))

    def schedule(self):
        """The queue as it stands: (time, story name) in the order the stories will start."""
        return [(when, name) for when, _seq, name, _gen in sorted(self._queue, key=lambda q: q[:2])]

    def run(self):
        from freezegun import freeze_time

        cr = self.env.cr

        def no_commit():
            _logger.debug("demo history: commit deferred to the end of the generation")

        def no_rollback():
            raise RuntimeError("a rollback was asked for in the middle of the story")

        # A step runs inside a savepoint: code that commits or rolls back on its own (mail
        # schedulers outside test mode) would end it. The generation commits once, at the end.
        patched = {
            name: cr.__dict__[name] for name in ("commit", "rollback") if name in cr.__dict__
        }
        cr.commit, cr.rollback = no_commit, no_rollback
        month = None
        with freeze_time(self.start) as frozen:
            try:
                while self._queue:
                    when, seq, name, generator = heapq.heappop(self._queue)
                    if f"{when:%Y-%m}" != month:
                        month = f"{when:%Y-%m}"
                        _logger.info(
                            "demo history: %s, %s steps so far", month, self.stats["steps"]
                        )
                    frozen.move_to(when)
                    cr._now = when
                    try:
                        with cr.savepoint():
                            # The story's last step ends it (StopIteration): it is kept too.
                            following = next(generator, None)
                            self.env.flush_all()
                    except Exception as error:  # noqa: BLE001 - one story stops, not the office
                        self.env.clear()
                        self.stats["failed"] += 1
                        message = (
                            f"{name} at {when:%Y-%m-%d %H:%M}: {type(error).__name__}: {error}"
                        )
                        self.warnings.append(message)
                        _logger.warning("demo history: step skipped, %s", message)
                        continue
                    self.stats["steps"] += 1
                    self.trace.append((when, name))
                    if following is None or following >= self.end:
                        continue  # the story stops here: the document stays as it is today
                    heapq.heappush(self._queue, (max(following, when), seq, name, generator))
            finally:
                cr._now = None
                for name in ("commit", "rollback"):
                    if name in patched:
                        setattr(cr, name, patched[name])  # the test cursor's own
                    else:
                        delattr(cr, name)


def _installed(env, addon):
    # sudo: read by the demo generator (an administrator set-up script)
    # sudo: which addons are installed, to run their part of the story
    return bool(
        env["ir.module.module"]
        .sudo()
        .search_count([("name", "=", addon), ("state", "=", "installed")])
    )


def plan(env, months=6, seed=18, community=None, scale=1.0, end=None):
    """The ``History`` of ``community`` with its stories scheduled, none run yet (or None).

    What ``generate`` runs; the queue (``History.schedule()``) depends on the seed and the
    database only.
    """
    community = community or env.ref("hanling_property.community_hanling_demo", False)
    if not community:
        _logger.warning("demo history: no community to fill")
        return None
    env = env(context=dict(env.context, mail_notify_force_send=False))
    end = end or fields.Datetime.now().replace(microsecond=0)
    history = History(env, months, seed, community, scale, end)
    if not history.residents:
        _logger.warning("demo history: %s has no residents, nothing generated", community.name)
        return None
    for _sequence, addon, name, function in sorted(GENERATORS.values(), key=lambda g: g[:3]):
        if not _installed(env, addon):
            continue
        try:
            with env.cr.savepoint():
                function(history)
        except Exception as error:  # noqa: BLE001
            env.clear()
            _logger.warning("demo history: %s/%s not scheduled: %s", addon, name, error)
    return history


def generate(env, months=6, seed=18, community=None, scale=1.0, end=None, commit=False):
    """Write ``months`` of history of ``community`` (the demo 翰岭院 by default); returns stats.

    ``scale`` sizes the number of documents (1.0: a few hundred work orders over six months);
    ``end`` is "today" (now by default): every generated moment is before it.
    """
    started = time.perf_counter()
    # sudo: the notification mails the story queued, dropped (the demo has no mail server)
    mail_before = env["mail.mail"].sudo().search([], order="id desc", limit=1).id or 0
    history = plan(env, months=months, seed=seed, community=community, scale=scale, end=end)
    if history is None:
        return {}
    env = history.env
    history.run()
    # The crons of today: deadlines passed while the clock was back, the review of last month.
    for model, method in (
        ("hanling.deadline.mixin", "_cron_check_deadlines"),
        ("hanling.work.order.review", "_cron_prepare_last_month"),
    ):
        try:
            with env.cr.savepoint():
                getattr(env[model], method)()
        except Exception as error:  # noqa: BLE001
            env.clear()
            _logger.warning("demo history: %s.%s failed: %s", model, method, error)
    # No mail server in the demo: the notifications stay in the chatter, not in the mail queue.
    # sudo: the notification mails the story queued, dropped (the demo has no mail server)
    env["mail.mail"].sudo().search([("id", ">", mail_before)]).unlink()
    env.flush_all()
    history.stats["seconds"] = round(time.perf_counter() - started, 1)
    _logger.info("demo history: %s", history.stats)
    if commit:
        env.cr.commit()
    return history


# ====================================================================== texts

REPAIRS = [
    "厨房水龙头漏水,关不紧",
    "卫生间下水道堵塞,积水",
    "客厅灯不亮,开关没反应",
    "阳台门锁坏了,锁不上",
    "空调外机滴水到楼下",
    "热水器打不着火",
    "马桶水箱一直流水",
    "入户门猫眼松动",
    "插座跳闸,厨房没电",
    "窗户推拉不顺,需要调整",
    "墙面渗水,发霉",
    "门铃不响",
    "吊顶有裂缝,怕掉下来",
    "淋浴花洒出水小",
]
INSPECTIONS = ["阀芯老化", "管道有异物堵塞", "线路接头松脱", "配件磨损", "密封圈老化", "安装不到位"]
WORK_DONE = ["已更换配件并试用正常", "已疏通并清理现场", "已重新接线,通电正常", "已调整并紧固"]
OPINIONS = ["已修好,满意", "师傅很专业", "修得很快,谢谢", "可以"]
CALLBACK_COMMENTS = ["很好", "师傅准时,修得好", "一般", "第二次才修好", "满意"]
MANUAL_ARRIVALS = [
    "门口二维码污损,无法扫描",
    "手机相机故障,无法扫码",
    "业户门口未贴二维码",
]
PREVENTIONS = [
    "定期检查同类设施",
    "加强巡查,及时发现问题",
    "提前通知业户,避免误会",
]
SERVICE_SUGGESTIONS = [
    "希望晚间也能受理维修",
    "增加社区活动",
    "公告栏信息及时更新",
]
REWORK_REASONS = ["还是有点漏水", "用了一天又坏了", "没有清理现场"]
ABSENT_NOTES = ["家中无人,已在门上留言条", "电话未接通,留言条已贴门口"]
COMPLAINTS = [
    ("repair", "楼道灯坏了三天没人修"),
    ("cleaning", "垃圾桶满了没人清理,气味很大"),
    ("parking", "车位被外来车辆占用"),
    ("neighbour", "楼上深夜噪音,影响休息"),
    ("attitude", "前台工作人员态度不好"),
    ("security", "小区门口保安不在岗"),
    ("facility", "电梯经常停运"),
    ("fees", "物业费账单金额有疑问"),
    ("service", "报修后一直没人联系"),
]
RESOLUTIONS = [
    "已向业户道歉,重新安排人员处理,业户认可",
    "已安排专人跟进,问题已解决",
    "已加强巡查并通报相关班组",
]
SCOPES = ["厨房、卫生间改造,全屋刷漆", "更换地板,重新布线", "阳台封闭,安装防盗窗", "全屋翻新"]
CONTRACTORS = ["美家装饰工程有限公司", "安居装饰设计有限公司", "华庭装修工程部"]
BUYERS = ["陈静", "林涛", "黄小红", "郑明", "孙丽", "周杰", "吴芳", "何强"]
NEWCOMERS = ["赵磊", "钱芳", "冯伟", "卫敏", "蒋涛", "沈丽", "韩梅", "杨帆"]
CLASSES = [
    ("interest", "书画兴趣班", 200.0),
    ("elderly", "老年健康讲座", 0.0),
    ("tutoring", "暑期作业辅导班", 300.0),
    ("social", "中秋联欢晚会", 0.0),
    ("interest", "少儿围棋班", 260.0),
    ("health", "社区义诊", 0.0),
]
CAKES = ["8寸水果蛋糕,写“生日快乐”", "鲜花一束,送到医院", "订一年的晚报", "代买火车票两张"]


def _signed(record, who):
    record.write(
        {"resident_signature": SIGNATURE, "resident_signed_by": who, "resident_opinion": _opinion()}
    )


def _opinion():
    return OPINIONS[0]


# ====================================================================== work orders


@register("hanling_property", sequence=10)
def _work_orders(h):
    Service = h.env["hanling.service"]
    services = Service.search(
        [("active", "=", True), "|", ("company_id", "=", False), ("company_id", "=", h.company.id)],
        order="id",
    )
    priced = services.filtered(lambda s: s.fee_type == "paid" and s.list_price > 0)
    quoted = services.filtered(lambda s: s.fee_type == "paid" and not s.list_price)
    free = services.filtered(lambda s: s.fee_type != "paid")
    if not services:
        raise ValueError("no catalogue service")
    count = max(4, round(160 * h.scale * (h.end - h.start).days / 183))
    for i in range(count):
        r = h.rng.random()
        if r < 0.45 and priced:
            service = h.pick(priced)
        elif r < 0.55 and quoted:
            service = h.pick(quoted)
        else:
            service = h.pick(free or services)
        when = h.random_time()
        h.story(when, _work_order_story(h, when, service, i), f"work order {i + 1}")
    # Today's office: something waiting in every column of the dashboard.
    for i, stop in enumerate(("draft", "assigned", "late", "in_progress", "done", "accepted")):
        when = h.end - timedelta(hours=30 if stop == "accepted" else 3 + i)
        service = h.pick(priced or services)
        h.story(
            when,
            _work_order_story(h, when, service, count + i, stop=stop),
            f"work order today {stop}",
        )


def _work_order_story(h, when, service, index, stop=None):  # noqa: PLR0915 - one life, in order
    rng = h.rng
    unit = h.occupied_unit()
    resident = h.residents[unit]
    appointment = stop is None and rng.random() < 0.35
    vals = {
        "unit_id": unit.id,
        "description": h.pick(REPAIRS),
        "service_id": service.id,
        "channel": h.pick(["phone", "phone", "visit"])
        if "channel" in h.env["hanling.work.order"]
        else None,
        "urgency": "appointment" if appointment else "immediate",
    }
    vals = {k: v for k, v in vals.items() if v is not None}
    if appointment:
        vals["appointment_date"] = h.local(
            when + timedelta(days=1), rng.choice([9, 10, 14, 15, 16])
        )
    if not resident.mobile and not resident.phone:
        vals["contact_phone"] = f"1380000{index:04d}"
    order = h.as_(h.env["hanling.work.order"], "group_duty_officer", index=index).create(vals)
    if stop == "draft":
        return
    # Cancelled at the call (the resident fixed it himself) or referred to a supplier.
    fate = rng.random() if stop is None else 1.0
    yield when + timedelta(minutes=rng.randint(2, 8))
    if fate < 0.04:
        order.cancel_reason = "业户自行处理,不需要上门"
        order.action_cancel()
        return
    technician_index = rng.randrange(2)
    order = h.as_(order, "group_eng_supervisor")
    order.technician_id = h.role("group_technician", index=technician_index)
    order.action_assign()
    tech = order.with_user(order.technician_id)
    deadline = order.date_arrival_deadline
    if stop == "assigned":
        return
    if stop == "late":
        return  # nobody on site yet: the arrival is overdue on the dashboard
    # Resident not at home at the first visit (篇2 二 一).
    if stop is None and rng.random() < 0.08:
        yield deadline - timedelta(minutes=2)
        new = h.local(deadline + timedelta(days=1), rng.choice([9, 15, 18]))
        h.env["hanling.work.order.visit"].with_user(order.technician_id).create(
            {"order_id": order.id, "note": h.pick(ABSENT_NOTES), "new_appointment": new}
        )
        deadline = new
    # On time mostly; a few late arrivals.
    late = rng.random() < 0.12
    arrive = deadline + timedelta(minutes=rng.randint(3, 50) if late else -rng.randint(1, 10))
    yield max(arrive, order.date_assigned + timedelta(minutes=1))
    if stop is None and fate < 0.07:
        order = h.as_(order, "group_eng_supervisor")
        if "referral_note" in order._fields:
            order.referral_note = "需专业厂家维修,已推荐厂家"
        for field in ("referred_provider_id", "referral_provider_id"):
            if field in order._fields:
                provider = h.env[order._fields[field].comodel_name].search([], limit=1)
                if provider:
                    order[field] = provider
        order.action_refer()
        return
    # The arrival is proven at the door by the unit's QR code; now and then the code is
    # soiled and the technician records it by hand with the reason (篇2 一 四)).
    if rng.random() < 0.1:
        tech.arrival_manual_reason = h.pick(MANUAL_ARRIVALS)
        tech.action_start()
    else:
        tech.action_arrive_scan(unit._hanling_portal_url())
    if stop == "in_progress":
        return
    yield h.env.cr.now() + timedelta(minutes=rng.randint(20, 150))
    tech.write({"inspection_note": h.pick(INSPECTIONS), "work_note": h.pick(WORK_DONE)})
    tech.action_finish()
    if stop == "done":
        return
    # The resident is not satisfied now and then: back to repair until he is (篇2 二 五) 1).
    while stop is None and rng.random() < 0.08 and order.rework_count < 2:
        yield h.env.cr.now() + timedelta(minutes=5)
        tech.rework_reason = h.pick(REWORK_REASONS)
        tech.action_rework()
        yield h.env.cr.now() + timedelta(hours=rng.randint(2, 26))
        tech.action_finish()
    yield h.env.cr.now() + timedelta(minutes=rng.randint(3, 15))
    _signed(tech, resident.name)
    tech.action_accept()
    if stop == "accepted":
        return
    # 会同: the two supervisors fix a fee the technician could not settle on site.
    if order.fee_uncertain:
        yield h.env.cr.now() + timedelta(hours=rng.randint(1, 6))
        engsup = h.as_(order, "group_eng_supervisor")
        engsup.labour_price = rng.choice([50.0, 80.0, 120.0])
        engsup.action_set_fee()
        yield h.env.cr.now() + timedelta(hours=rng.randint(1, 4))
        h.as_(order, "group_cs_supervisor").action_set_fee()
    # The callback within 24 hours (篇2 二 六) 3), sometimes after an unanswered call.
    # sudo: the callback the procedure planned, which the supervisor then calls (as them)
    callback = order.sudo().callback_ids.filtered(lambda c: c.state == "planned")[:1]
    if callback:
        callback = callback.with_user(h.role("group_eng_supervisor"))
        if rng.random() < 0.15:
            yield h.env.cr.now() + timedelta(hours=rng.randint(4, 20))
            callback.action_unreachable()
        yield h.env.cr.now() + timedelta(hours=rng.randint(2, 20))
        callback.write(
            {
                "satisfaction": rng.choices("54321", weights=[55, 30, 10, 3, 2])[0],
                "comment": h.pick(CALLBACK_COMMENTS),
            }
        )
        callback.action_done()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 30))
    h.as_(order, "group_eng_supervisor").action_close()
    # The resident pays the invoice at the front desk, mostly within a few days.
    # sudo: the document's invoice, paid at the front desk through the money service
    invoice = order.sudo().invoice_id
    if invoice and invoice.state == "posted" and rng.random() < 0.85:
        yield h.env.cr.now() + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 5))
        _pay(h, invoice, f"维修费 {order.name}")


def _pay(h, invoice, memo):
    money = h.env["hanling.money.service"]
    journal = money._payment_journal(invoice.company_id)
    return money._register_payments(
        invoice, journal, date=fields.Date.context_today(invoice), memo=memo
    )


# ====================================================================== complaints


@register("hanling_property", sequence=20)
def _complaints(h):
    departments = h.env["hanling.complaint.department"].search(
        [("company_id", "in", (h.company.id, False))], order="id"
    )
    if not departments:
        raise ValueError("no complaint department")
    count = max(3, round(30 * h.scale * (h.end - h.start).days / 183))
    for i in range(count):
        when = h.random_time()
        h.story(when, _complaint_story(h, when, departments, i), f"complaint {i + 1}")
    for stop in ("manager", "company", "callback_late", "corrective_late"):
        when = h.end - timedelta(days={"callback_late": 4, "corrective_late": 20}.get(stop, 3))
        h.story(
            when, _complaint_story(h, when, departments, stop, stop=stop), f"complaint today {stop}"
        )


def _complaint_story(h, when, departments, index, stop=None):  # noqa: PLR0915 - one life, in order
    rng = h.rng
    unit = h.occupied_unit()
    category, content = h.pick(COMPLAINTS)
    staff = h.role("group_cs_staff")
    complaint = (
        h.env["hanling.complaint"]
        .with_user(staff)
        .create(
            {
                "unit_id": unit.id,
                "content": content,
                "category": category,
                "date_received": when,
                "received_by_id": staff.id,
            }
        )
    )
    yield when + timedelta(minutes=rng.randint(10, 90))
    complaint.department_id = h.pick(departments)
    complaint.action_assess()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 6))
    complaint.action_handle()
    # The stories that stop today escalate only as their stop says: the late ones stay with
    # the department, so today's dashboard shows a department-level complaint whatever the
    # other stories drew.
    if stop:
        escalate = {"manager": 1, "company": 2}.get(stop, 0)
    else:
        escalate = 2 if rng.random() < 0.05 else 1 if rng.random() < 0.18 else 0
    if escalate:
        yield h.env.cr.now() + timedelta(hours=rng.randint(2, 24))
        complaint.escalation_note = "部门处理不了,业户要求领导出面"
        complaint.action_escalate()
        if escalate > 1:
            yield h.env.cr.now() + timedelta(hours=rng.randint(4, 24))
            manager = h.as_(complaint, "group_manager", exclude="group_company_rep")
            manager.escalation_note = "涉及公司层面,上报公司"
            manager.action_escalate()
    if stop in ("manager", "company"):
        return
    report = None
    # An escalated complaint closes only with its nonconformity report (篇3 4.2.2-4.2.5).
    loss = stop == "corrective_late" or (stop is None and (escalate or rng.random() < 0.2))
    if loss:
        yield h.env.cr.now() + timedelta(hours=rng.randint(2, 12))
        action = complaint.with_user(h.role("group_cs_supervisor")).action_create_nonconformity()
        report = h.env["hanling.nonconformity"].browse(action["res_id"])
        report = report.with_user(h.role("group_cs_supervisor"))
        compensate = rng.random() < 0.4
        values = {
            "cause": "员工操作不当造成业户损失",
            "corrective_action": "赔偿或修复,并对员工进行培训",
            "responsible_id": h.role("group_eng_supervisor").id,
            "date_deadline": fields.Date.context_today(report) + timedelta(days=7),
        }
        if compensate:
            values.update({"compensation_method": "credit_note", "compensation_amount": 200.0})
        report.write(values)
        report.action_submit()
        yield h.env.cr.now() + timedelta(hours=rng.randint(2, 24))
        manager = report.with_user(h.role("group_manager", exclude="group_company_rep"))
        if report.approval_level == "company":
            manager = report.with_user(h.role("group_company_rep"))
        manager.action_approve()
        if stop == "corrective_late":
            return  # the corrective action is past its deadline: chased on the dashboard
        if compensate:
            yield h.env.cr.now() + timedelta(hours=rng.randint(1, 24))
            report.with_user(
                h.role("group_manager", exclude="group_company_rep")
            ).action_compensate()
        complaint.write(
            {"resolution_kind": "loss", "loss_remedy": "compensate" if compensate else "repair"}
        )
    yield h.env.cr.now() + timedelta(hours=rng.randint(4, 72))
    if not loss:
        complaint.resolution_kind = "service"
    complaint.resolution = h.pick(RESOLUTIONS)
    complaint.action_resolve()
    if stop == "callback_late":
        return
    if report:
        yield h.env.cr.now() + timedelta(days=rng.randint(1, 5))
        report.result = "已整改完毕,业户确认"
        report.action_done()
    # sudo: the callback the procedure planned, which the supervisor then calls (as them)
    callback = complaint.sudo().callback_ids.filtered(lambda c: c.state == "planned")[:1]
    if callback:
        yield h.env.cr.now() + timedelta(hours=rng.randint(6, 30))
        callback.with_user(callback.user_id or staff).write(
            {
                "satisfaction": rng.choices("54321", weights=[40, 35, 15, 6, 4])[0],
                "opinion": "处理及时,效果良好",
                "prevention_suggestion": h.pick(PREVENTIONS),
                "service_suggestion": h.pick(SERVICE_SUGGESTIONS),
                "evaluation": "满意",
            }
        )
        callback.with_user(callback.user_id or staff).action_done()
    # The department reports the result to the office manager before closing (篇3 4.4).
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 12))
    complaint.action_report_result()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 24))
    complaint.action_close()


# ====================================================================== decoration


@register("hanling_property", sequence=30)
def _decoration(h):
    count = max(2, round(12 * h.scale * (h.end - h.start).days / 183))
    contractors = [
        h.env["res.partner"].create({"name": name, "is_company": True}) for name in CONTRACTORS
    ]
    journal = h.env["hanling.money.service"]._payment_journal(h.company, ("cash",), False)
    for i in range(count):
        # The last ones are still under way today: their deposits are held.
        when = (
            h.random_time(hi=h.end - timedelta(days=3))
            if i < count - 2
            else h.end - timedelta(days=10 + i)
        )
        h.story(
            when,
            _permit_story(h, when, h.pick(contractors), journal, i),
            f"decoration permit {i + 1}",
        )


def _permit_story(h, when, contractor, journal, index):
    rng = h.rng
    unit = h.occupied_unit()
    staff = h.role("group_cs_staff")
    today = fields.Date.context_today(h.env.user)
    days = rng.choice([30, 45, 60])
    permit = (
        h.env["hanling.decoration.permit"]
        .with_user(staff)
        .create(
            {
                "unit_id": unit.id,
                "partner_id": h.residents[unit].id,
                "contractor_id": contractor.id,
                "contractor_manager": "李工",
                "contractor_phone": "139 1234 5678",
                "scope": h.pick(SCOPES),
                "date_planned_start": today + timedelta(days=3),
                "date_planned_end": today + timedelta(days=3 + days),
                "deposit_amount": rng.choice([2000.0, 3000.0, 5000.0]),
            }
        )
    )
    permit.document_line_ids.filtered("required").write(
        {"file": b"JVBERi0xLjQgc2Nhbg==", "file_name": "扫描件.pdf"}
    )
    permit.action_submit()
    yield h.env.cr.now() + timedelta(minutes=20)
    wizard = (
        h.env["hanling.decoration.deposit.register"]
        .with_user(staff)
        .create({"permit_id": permit.id, **({"journal_id": journal.id} if journal else {})})
    )
    wizard.action_confirm()
    yield h.env.cr.now() + timedelta(hours=rng.randint(2, 30))
    permit.with_user(h.role("group_cs_supervisor")).action_approve()
    yield h.env.cr.now() + timedelta(days=3)
    permit.action_start()
    yield h.env.cr.now() + timedelta(days=days)
    permit.action_request_completion()
    yield h.env.cr.now() + timedelta(days=rng.randint(1, 3))
    permit.with_user(h.role("group_eng_supervisor")).action_complete()
    yield h.env.cr.now() + timedelta(days=rng.randint(1, 5))
    settle = h.env["hanling.decoration.deposit.settle"].with_user(h.role("group_cs_supervisor"))
    settle.create(
        {"permit_id": permit.id, **({"journal_id": journal.id} if journal else {})}
    ).action_confirm()


# ====================================================================== move-in, transfer


def _receive_all(lines):
    lines.write({"file": b"JVBERi0xLjQgc2Nhbg==", "file_name": "扫描件.pdf"})


@register("hanling_property", sequence=40)
def _move_ins(h):
    """New owners receive their flats in a building just handed over; a few flats change hands."""
    busy = h.env["hanling.move.in"].search([("state", "in", ("draft", "in_progress"))]).unit_id
    vacant = h.units.filtered(lambda u: u not in h.residents and u not in busy)
    count = max(1, round(6 * h.scale))
    if len(vacant) < count:
        building = h.env["hanling.building"].search(
            [("community_id", "=", h.community.id)], order="id"
        )[-1:]
        if building:
            vacant |= h.env["hanling.unit"].create(
                [
                    {
                        "building_id": building.id,
                        "floor": 9,
                        "room": f"9{n:02d}",
                        "floor_area": 96.0,
                    }
                    for n in range(1, count - len(vacant) + 1)
                ]
            )
    for i, unit in enumerate(vacant[:count]):
        when = h.random_time()
        partner = h.env["res.partner"].create(
            {"name": NEWCOMERS[i % len(NEWCOMERS)], "mobile": f"1370000{i:04d}"}
        )
        h.story(when, _move_in_story(h, unit, partner), f"move-in {i + 1}")
    owners = list(h.residents)
    for i in range(max(1, round(4 * h.scale))):
        unit = owners[(i * 7 + 3) % len(owners)]
        when = h.random_time()
        buyer = h.env["res.partner"].create(
            {"name": BUYERS[i % len(BUYERS)], "mobile": f"1360000{i:04d}"}
        )
        h.story(when, _transfer_story(h, unit, buyer), f"ownership transfer {i + 1}")


def _move_in_story(h, unit, partner):
    staff = h.role("group_cs_staff")
    move_in = (
        h.env["hanling.move.in"]
        .with_user(staff)
        .create({"unit_id": unit.id, "partner_id": partner.id})
    )
    yield h.env.cr.now() + timedelta(minutes=10)
    move_in.action_start()
    move_in.write(
        {
            "identity_checked": True,
            "bank_agreement": True,
            **(
                {"cleaning_answer": "declined"}
                if "cleaning_answer" in move_in._fields
                and "declined" in dict(move_in._fields["cleaning_answer"].selection)
                else {}
            ),
            "key_ids": [
                (0, 0, {"key_type": "unit_door", "quantity": 3}),
                (0, 0, {"key_type": "mailbox", "quantity": 2}),
            ],
        }
    )
    for utility in move_in.utility_ids.filtered(lambda u: u.utility in ("water", "electricity")):
        utility.action_request()
    _receive_all(move_in.document_line_ids)
    yield h.env.cr.now() + timedelta(minutes=50)
    move_in.action_done()


def _transfer_story(h, unit, buyer):
    staff = h.role("group_cs_staff")
    transfer = (
        h.env["hanling.ownership.transfer"]
        .with_user(staff)
        .create({"unit_id": unit.id, "partner_id": buyer.id})
    )
    _receive_all(transfer.document_line_ids)
    yield h.env.cr.now() + timedelta(minutes=30)
    for addon, settle in sorted(BEFORE_TRANSFER.items()):
        if _installed(h.env, addon):
            settle(h, transfer)
    transfer.action_done()
    h.residents[unit] = buyer


# ====================================================================== classes


@register("hanling_property", sequence=50)
def _classes(h):
    for kind, name, price in CLASSES[: max(2, round(len(CLASSES) * h.scale))]:
        when = h.random_time(hi=h.end - timedelta(days=20))
        h.story(when, _class_story(h, when, kind, name, price), f"class {name}")


def _class_story(h, when, kind, name, price):
    rng = h.rng
    staff = h.role("group_cs_staff")
    values = {
        "name": name,
        "hanling_community_id": h.community.id,
        "hanling_kind": kind,
        "date_begin": when + timedelta(days=7),
        "date_end": when + timedelta(days=7 + (28 if price else 0), hours=2),
        "seats_limited": True,
        "seats_max": 20,
        # No mail schedulers: the demo office has no mail server (and no badges to print).
        "event_mail_ids": [(5, 0, 0)],
    }
    if price:
        service = h.env["hanling.service"].create(
            {"name": name, "fee_type": "paid", "list_price": price}
        )
        values.update({"hanling_service_id": service.id, "hanling_refund_days": 3})
    event = h.env["event.event"].with_user(staff).create(values)
    residents = sorted(set(h.residents.values()), key=lambda p: p.id)
    for partner in rng.sample(residents, min(len(residents), rng.randint(3, 8))):
        yield h.env.cr.now() + timedelta(hours=rng.randint(1, 30))
        registration = (
            h.env["event.registration"]
            .with_user(h.role("group_duty_officer"))
            .create({"event_id": event.id, "partner_id": partner.id, "name": partner.name})
        )
        # sudo: the registration's invoice, paid at the front desk through the money service
        invoice = (
            registration.sudo()["hanling_invoice_id"]
            if "hanling_invoice_id" in registration._fields
            else None
        )
        if invoice and invoice.state == "posted" and rng.random() < 0.8:
            yield h.env.cr.now() + timedelta(hours=rng.randint(1, 48))
            _pay(h, invoice, f"{name} {partner.name}")


# ====================================================================== errands


@register("hanling_errands", sequence=60)
def _errands(h):
    supplier = h.env["res.partner"].create({"name": "翰岭蛋糕坊", "is_company": True})
    products = h.env["product.product"].search(
        [
            ("sale_ok", "=", True),
            ("list_price", ">", 0),
            ("categ_id.hanling_goods_list", "=", True),
        ],
        order="id",
        limit=8,
    )
    count = max(2, round(15 * h.scale * (h.end - h.start).days / 183))
    for i in range(count):
        when = h.random_time()
        h.story(when, _errand_story(h, when, supplier, i), f"errand {i + 1}")
    for i in range(count):
        when = h.random_time() if i < count - 2 else h.end - timedelta(hours=5 + i)
        h.story(when, _delivery_story(h, products, stop=i >= count - 2), f"goods delivery {i + 1}")


def _errand_story(h, when, supplier, index):
    rng = h.rng
    unit = h.occupied_unit()
    staff = h.role("group_cs_staff")
    estimate = rng.choice([150.0, 200.0, 300.0])
    errand = (
        h.env["hanling.errand"]
        .with_user(staff)
        .create(
            {
                "unit_id": unit.id,
                "description": h.pick(CAKES),
                "kind": "cake",
                "estimated_amount": estimate,
            }
        )
    )
    errand.write(
        {"commission_signature": SIGNATURE, "commission_signed_by": h.residents[unit].name}
    )
    errand.action_confirm()
    yield h.env.cr.now() + timedelta(minutes=10)
    errand._action_register_prepayment(estimate)
    yield h.env.cr.now() + timedelta(hours=1)
    errand.write({"supplier_id": supplier.id, "supervisor_id": h.role("group_cs_supervisor").id})
    if errand.occasion == "birthday":
        errand.project_manager_id = h.role("group_manager")
    errand.action_order()
    yield h.env.cr.now() + timedelta(hours=rng.randint(3, 28))
    errand.write({"received_by_name": h.residents[unit].name, "recipient_signature": SIGNATURE})
    errand.action_deliver()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 24))
    attachment = h.env["ir.attachment"].create(
        {"name": "购货凭证.jpg", "datas": SIGNATURE, "res_model": errand._name, "res_id": errand.id}
    )
    cost = estimate + rng.choice([0.0, 0.0, 18.0, 36.0])
    errand.write({"voucher_attachment_ids": [(6, 0, attachment.ids)], "voucher_amount": cost})
    errand.action_settle()
    if errand.amount_due > 0:
        yield h.env.cr.now() + timedelta(hours=rng.randint(1, 24))
        errand._action_collect_balance(errand.amount_due)
    yield h.env.cr.now() + timedelta(hours=1)
    errand.write(
        {
            "resident_opinion": "很满意,准时送到。",
            "resident_signature": SIGNATURE,
            "resident_signed_by": h.residents[unit].name,
        }
    )
    errand.action_done()


def _delivery_story(h, products, stop=False):
    rng = h.rng
    if not products:
        return
    unit = h.occupied_unit()
    duty = h.role("group_duty_officer")
    lines = [
        (0, 0, {"product_id": p.id, "quantity": rng.randint(1, 3)})
        for p in rng.sample(list(products), min(3, len(products)))
    ]
    errand = (
        h.env["hanling.errand"]
        .with_user(duty)
        .create(
            {
                "kind": "delivery",
                "unit_id": unit.id,
                "channel": "phone",
                "delivery_place": f"{unit.display_name}门口",
                "line_ids": lines,
            }
        )
    )
    errand.action_confirm()
    errand.action_order()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 4))
    errand.write({"received_by_name": h.residents[unit].name, "recipient_signature": SIGNATURE})
    errand.action_deliver()
    if stop:
        return  # delivered today: to settle
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 20))
    # Customer service handles the money of errands (篇4 8).
    errand = errand.with_user(h.role("group_cs_staff"))
    errand.action_settle()
    # sudo: the document's invoice, paid at the front desk through the money service
    invoice = errand.sudo().invoice_id
    if invoice and invoice.state == "posted" and invoice.amount_residual:
        yield h.env.cr.now() + timedelta(days=rng.randint(0, 3), hours=1)
        _pay(h, invoice, f"送货 {errand.name}")
    yield h.env.cr.now() + timedelta(hours=1)
    errand.write(
        {
            "resident_opinion": "送货及时",
            "resident_signature": SIGNATURE,
            "resident_signed_by": h.residents[unit].name,
        }
    )
    errand.action_done()


# ====================================================================== archive


@register("hanling_archive", sequence=70)
def _archive(h):
    Dossier = h.env["hanling.archive.dossier"]
    dossiers = (
        Dossier.search([("community_id", "=", h.community.id)], order="id")
        if "community_id" in Dossier._fields
        else Dossier.search([], order="id")
    )
    if not dossiers:
        dossiers = Dossier._for_units(h.units[:3])
    for i in range(max(2, round(10 * h.scale))):
        when = h.random_time()
        h.story(when, _borrow_story(h, h.pick(dossiers), i), f"archive loan {i + 1}")
    when = h.random_time(lo=h.end - timedelta(days=40), hi=h.end - timedelta(days=5))
    h.story(when, _inspection_story(h, when), "archive inspection")


def _borrow_story(h, dossier, index):
    rng = h.rng
    staff = h.role("group_cs_staff")
    borrow = (
        h.env["hanling.archive.borrow"]
        .with_user(staff)
        .create(
            {
                "borrower_type": "internal",
                "borrower_user_id": h.role("group_technician", index=index).id,
                "department": "工程部",
                "dossier_ids": [(6, 0, dossier.ids)],
                "purpose": "维修核对房屋资料",
                "mode": "read",
                "companion_id": staff.id,
                "date_due": fields.Date.context_today(staff) + timedelta(days=3),
                "approval_note": "同意",
            }
        )
    )
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 8))
    keepers = h.env["res.users"]._hanling_role_users(
        "hanling_archive.group_archive_keeper", h.company
    )
    keeper = (keepers - borrow.create_uid - borrow.companion_id - borrow.borrower_user_id)[:1]
    borrow.with_user(keeper or h.role("group_manager")).action_approve()
    yield h.env.cr.now() + timedelta(hours=1)
    borrow.action_lend()
    yield h.env.cr.now() + timedelta(hours=rng.randint(1, 48))
    borrow.action_return()


def _inspection_story(h, when):
    Inspection = h.env["hanling.archive.inspection"].with_user(h.role("group_cs_supervisor"))
    inspection = Inspection.create(
        {
            "community_id": h.community.id,
            "kind": "spot",
            "date_due": fields.Date.context_today(Inspection),
        }
    )
    inspection.action_start()
    yield h.env.cr.now() + timedelta(hours=2)
    inspection.line_ids.write({"result": "ok"})
    inspection.action_done()


# ====================================================================== the monthly review


@register("hanling_property", sequence=90)
def _monthly_reviews(h):
    """Early each month the review of last month is prepared, as its scheduled action does."""
    for month_start in h.month_starts():
        when = h.local(month_start, 7)
        if h.start < when < h.end:
            h.story(when, _review_story(h), f"monthly review {month_start:%Y-%m}")


def _review_story(h):
    h.env["hanling.work.order.review"]._cron_prepare_last_month()
    return
    yield
