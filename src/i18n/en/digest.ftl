## Daily digest, overdue list (/quahan), central-level report (/baocaotw), chart and export.

digest-title = DIGEST OF REPORTS, { $date }
digest-period = Figures from { $since } to { $until }
digest-new = New: { $count }
digest-answered = Answered: { $count }
digest-resolved = Resolved: { $count }
digest-open = Open: { $count }
digest-due-soon = Due soon: { $count }
digest-overdue = Overdue: { $count }
digest-on-time-rate = On-time rate: { $pct }%
digest-on-time-rate-none = On-time rate: no data yet
digest-median-answer = Median answer time: { NUMBER($hours, maximumFractionDigits: 1) } working hours
digest-median-answer-none = Median answer time: no data yet
digest-empty = No reports yet.
digest-departments = By department
digest-dept-overdue = overdue { $count }
digest-dept-open = open { $count }
digest-dept-on-time = on time { $pct }%
digest-dept-median = median answer { NUMBER($hours, maximumFractionDigits: 1) } h
digest-categories = By category
digest-uncategorized = Uncategorised
digest-category-counts = { $total ->
    [one] 1 ticket
   *[other] { $total } tickets
}, { $open } open{ $overdue ->
    [0] {""}
   *[other] , { $overdue } overdue
}
digest-communes = Communes with the most open reports
digest-commune-counts = { $open } open{ $overdue ->
    [0] {""}
   *[other] , { $overdue } overdue
}
digest-oldest = { $count } longest-waiting unanswered reports
digest-received = received { $date } ({ NUMBER($days, maximumFractionDigits: 1) } working days)
digest-central = For the central level ({ $count })
digest-central-more = … and { $count } more; the full list: /baocaotw
digest-no-department = Not yet sent to a department
digest-closure = Communes' satisfaction
digest-closure-confirmed = Province: communes confirmed { $confirmed } of { $answered } answered tickets ({ $pct })
digest-closure-satisfaction = Satisfied { $haiLong } · Acceptable { $tamDuoc } · Not satisfied { $chuaHaiLong } · score { $score }/100 ({ $rated ->
    [one] 1 answer
   *[other] { $rated } answers
})
digest-closure-no-rating = No commune has rated an answer yet.
digest-closure-rates = Reopened { $reopen } of answered tickets · Closed automatically { $autoClosed } of resolved tickets
digest-closure-dept = confirmed { $confirmed } · score { $score } · reopened { $reopen } · closed automatically { $autoClosed }

digest-chart-title = Open and overdue reports by department
digest-chart-open = Open
digest-chart-overdue = Overdue
digest-chart-count = Tickets
digest-chart-department = Department
digest-chart-no-data = No data

digest-export-sheet-tickets = Tickets
digest-export-sheet-timeline = Timeline
digest-export-sheet-summary = Summary
digest-export-col-code = Ticket
digest-export-col-commune = Commune
digest-export-col-category = Category
digest-export-col-department = Department
digest-export-col-priority = Priority
digest-export-col-status = Status
digest-export-col-created = Received
digest-export-col-claimed = Claimed
digest-export-col-assigned = Sent to department
digest-export-col-due = Answer due
digest-export-col-answered = Answered
digest-export-col-resolved = Resolved
digest-export-col-on-time = On time
digest-export-col-text = Report
digest-export-col-answer = Answer
digest-export-col-central = Central level
digest-export-col-time = Time
digest-export-col-event = Event
digest-export-col-actor = By
digest-export-col-from-status = Status before
digest-export-col-to-status = Status after
digest-export-col-event-text = Text
digest-export-col-total = Total
digest-export-col-open = Open
digest-export-col-overdue = Overdue
digest-export-col-answered-count = Answered
digest-export-col-on-time-count = On time
digest-export-col-on-time-rate = On-time rate (%)
digest-export-col-median = Median answer time (working hours)
digest-export-col-satisfaction = Satisfaction
digest-export-col-confirmed = Confirmed by commune
digest-export-col-auto-closed = Closed automatically
digest-export-col-reopened-count = Times reopened
digest-export-sheet-closure = Satisfaction
digest-export-col-confirmed-count = Confirmed by commune
digest-export-col-confirmed-rate = Confirmed (%)
digest-export-col-rated-count = Ratings
digest-export-col-hai-long-count = Satisfied
digest-export-col-tam-duoc-count = Acceptable
digest-export-col-chua-hai-long-count = Not satisfied
digest-export-col-hai-long-rate = Satisfied (%)
digest-export-col-tam-duoc-rate = Acceptable (%)
digest-export-col-chua-hai-long-rate = Not satisfied (%)
digest-export-col-satisfaction-score = Satisfaction score (0–100)
digest-export-col-reopened-tickets = Tickets reopened
digest-export-col-reopen-rate = Reopen rate (%)
digest-export-col-resolved-count = Resolved
digest-export-col-auto-closed-count = Closed automatically
digest-export-col-auto-closed-rate = Closed automatically (%)
digest-export-yes = Yes
digest-export-no = No
digest-export-pending = Not yet due
digest-export-total-row = Total

overdue-title = OVERDUE TICKETS ({ $count })
overdue-as-of = As of { $time }
overdue-none = No ticket is overdue.
overdue-by-days = { NUMBER($days, maximumFractionDigits: 1) } working days overdue
overdue-by-hours = { NUMBER($hours, maximumFractionDigits: 1) } working hours overdue
overdue-due = due { $date }

central-title = REPORTS BEYOND THE PROVINCE'S AUTHORITY, FOR THE CENTRAL LEVEL
central-as-of = Total: { $count } reports (as of { $date })
central-count = Total: { $count } reports
central-none = No report has been flagged for the central level.
central-content = Report: { $text }
