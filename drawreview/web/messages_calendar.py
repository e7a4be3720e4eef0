"""The holiday calendar page's words (zh-CN, English), part of the one message table (web/i18n.py)."""

CALENDAR: dict[str, tuple[str, str]] = {
    "calendar.title": ("节假日与调休日历", "Holiday calendar"),
    "calendar.known": ("工作日时钟已知年份", "Years the working-day clock knows"),
    "calendar.note": ("国务院办公厅每年公布次年节假日安排后，请在此录入；未录入的年份，时限按周末估算。",
                      "Enter each year's arrangement once the State Council publishes it; for years not entered, due dates are estimated by weekends."),
    "calendar.year": ("年份", "Year"),
    "calendar.source": ("依据", "Source"),
    "calendar.holidays": ("节假日（每行：名称 日期，或 名称 起 ~ 止）", "Holidays (per line: name date, or name from ~ to)"),
    "calendar.workdays": ("调休上班日（周末，每行：名称 日期）", "Adjusted working days (weekend days; per line: name date)"),
    "calendar.save": ("保存（记入审计记录）", "Save (audited)"),
    "calendar.saved": ("{year} 年安排已保存并生效", "The {year} arrangement was saved and is in effect"),
    "calendar.entered": ("已在系统中录入的年份", "Years entered here"),
    "calendar.link": ("节假日日历", "Holiday calendar"),
    # the form's examples, in the reader's language: an English page showed the Chinese ones
    "calendar.placeholder.source": ("国务院办公厅关于2027年部分节假日安排的通知",
                                    "General Office of the State Council: notice on the 2027 public holidays"),
    "calendar.placeholder.holidays": ("元旦 2027-01-01\n春节 2027-02-06 ~ 2027-02-13",
                                      "New Year's Day 2027-01-01\nSpring Festival 2027-02-06 ~ 2027-02-13"),
    "calendar.placeholder.workdays": ("春节调休 2027-02-14", "Spring Festival make-up day 2027-02-14"),
}
