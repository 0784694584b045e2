## The web desk (/web, /app/…) and the public results page (/congkhai).
## Chat messages (web-link …) are in the bot's HTML; page texts are plain text (the page escapes them).

web-off = The web desk is not switched on (the server has no PUBLIC_URL). Please tell an admin.
web-unlinked = This chat is not linked to any unit, so it cannot open the web desk. Send /web in your unit's group.
web-open-private-first =
    { $name }, the bot cannot write to you privately yet, so no sign-in link was sent (links are never posted in a group).
    Open a private chat with the bot (tap its name, then Message and Start, or send /start), then send /web in this group again.
web-link-sent-privately = { $name }, the bot has sent you a web desk sign-in link in a private message.
web-too-many-links = You asked for several sign-in links just now. Use the one you received or try again in { $minutes } minutes.
web-link =
    <b>Sign in to the Tháo gỡ web desk</b> as { $role }{ $unit }:
    { $url }
    The link works once, for { $minutes } minutes. Do not pass it on.

web-role-commune = commune
web-role-department = department
web-role-support = support team
web-role-leaders = leaders
web-role-admin = admin

web-footer = Tháo gỡ — receiving communes' reports and chasing the answers, Hưng Yên province
web-nav-label = Pages
web-nav-tickets = Tickets
web-nav-overview = Overview
web-sign-out = Sign out

web-starting-title = Starting
web-starting = The server is waiting for the database and the queues. Please try again in a few seconds.
web-signed-out-title = Not signed in
web-signed-out = You are not signed in, or your session has expired. Send /web in your unit's chat for a new sign-in link (sent to you privately, valid 10 minutes).
web-signed-out-done-title = Signed out
web-signed-out-done = You have signed out of the web desk. Send /web in the chat to sign in again.
web-not-found-title = Not found
web-not-found = This ticket is not among the tickets your unit may see.
web-page-not-found = There is no such page.
web-back-to-list = Ticket list
web-csrf-title = Not done
web-csrf = The form is out of date or was not sent from this web desk. Reload the page and try again; nothing changed.
web-bad-form-title = Form not valid
web-bad-form = What was sent is wrong or incomplete; nothing changed. Please check and send it again.
web-error-title = Error
web-error = The server failed to handle this; nothing changed. Please try again later.
web-too-large = The file is too large (at most { $mb } MB each); nothing changed.
web-rate-limited = Too many requests from this address. Please try again in a minute.

web-login-title = Sign in to the web desk
web-login-no-token = This page needs a sign-in link. Send /web in your unit's chat to get one (sent to you privately).
web-login-confirm = Sign in as { $name }?
web-login-button = Sign in
web-login-note = A session lasts { $hours } hours. Use your own computer; sign out on a shared one.
web-login-failed-title = Could not sign in
web-login-invalid = This sign-in link is not valid. Send /web in the chat for a new one.
web-login-used = This sign-in link has been used. Each link works once: send /web in the chat for a new one.
web-login-expired = This sign-in link has expired (links last 10 minutes). Send /web in the chat for a new one.
web-login-unlinked = The chat this link came from is no longer linked to a unit, so it cannot sign you in.
web-login-blocked = Too many failed sign-ins from this address. Please try again after { $at }.
web-login-csrf = The sign-in page is out of date. Open the sign-in link in the bot's message again.

web-list-title = Tickets
web-list-count = { $count ->
        [0] No tickets.
        [one] 1 ticket.
       *[other] { $count } tickets.
    }
web-list-none = No tickets yet.
web-list-none-filtered = No ticket matches the filter.
web-list-overview = Overview of this filter
web-list-export = Download Excel of this filter
web-filter-q = Search
web-filter-q-hint = Text, ticket code, commune name (with or without diacritics)
web-filter-status = Status
web-filter-department = Department
web-filter-commune = Commune
web-filter-category = Category
web-filter-priority = Priority
web-filter-due = Deadline
web-filter-from = From
web-filter-to = To
web-filter-sort = Sort
web-filter-more = More filters: status, department, commune, category, priority, deadline, dates
web-filter-any = All
web-filter-apply = Filter
web-filter-clear = Clear filter
web-filter-invalid = Ignored invalid filter values: { $params }.
web-status-open = Open (not resolved)
web-sort-moi = Newest first
web-sort-cu = Oldest first
web-sort-han = Nearest deadline first
web-sort-capnhat = Recently updated
web-col-code = Code
web-col-status = Status
web-col-commune = Commune
web-col-department = Department
web-col-category = Category
web-col-priority = Priority
web-col-created = Received
web-col-due = Deadline
web-col-text = Text
web-pager-label = List pages
web-pager-prev = ← Previous
web-pager-next = Next →
web-pager-position = Page { $page }/{ $pages }

web-ticket-title = Ticket { $code }
web-ticket-report = Report
web-ticket-timeline = Timeline
web-ticket-details = Details
web-ticket-actions = Actions
web-claimant = Claimed by
web-central = Central level
web-central-yes = Yes
web-parent = Merged into
web-children = Merged here
web-extension-pending = Extension requested
web-file-photo = Photo
web-file-document = File
web-file-in-chat = photo/file in the chat

web-act-none = You have no action on this ticket in its current state.
web-act-claim = Claim
web-act-assign-label = Route to a department
web-act-assign-pick = Choose a department…
web-act-assign = Route
web-act-transfer = Transfer
web-act-category-label = Category
web-act-category-pick = Choose a category…
web-act-category = Set category
web-act-priority-label = Priority
web-act-priority = Set priority
web-act-answer-label = Written answer
web-act-answer-files = Attachments (PDF, DOCX letters or images; at most { $mb } MB each)
web-act-answer = Send answer
web-act-return-label = Not ours: reason for returning it to the support team
web-act-return = Return
web-act-return-confirm = Return this ticket to the support team?
web-act-confirm-question = Did the answer help? (optional)
web-act-confirm = Accept, resolved
web-act-reopen-label = Not satisfied: reason for asking again
web-act-reopen = Reopen
web-act-rate = Send rating
web-act-reject-label = Out of scope: reason
web-act-reject = Reject
web-act-reject-confirm = Reject this ticket? The commune gets the reason.
web-act-merge-label = Duplicate: merge into the original ticket
web-act-merge-hint = Original ticket code, e.g. HY-0001
web-act-merge = Merge
web-act-merge-confirm = Merge this ticket into the original? The original's answer reaches both communes.
web-act-note-label = Internal note (communes never see it)
web-act-note = Add note
web-action-done = Done.
web-action-refused = Not done; the ticket did not change.
web-upload-empty = File "{ $name }" is empty; the answer was not sent.
web-upload-too-large = File "{ $name }" is larger than { $mb } MB; the answer was not sent.
web-upload-type = File "{ $name }" is not a PDF, DOCX, DOC, JPG or PNG; the answer was not sent.
web-upload-too-many = An answer takes at most { $max } files; the answer was not sent.

web-reports-only-title = For leaders and the support team
web-reports-only = The province-wide overview and Excel file are for leaders, the support team and admins.
web-overview-title = Overview
web-overview-all = All tickets
web-overview-filtered = Tickets of the filter
web-overview-period = new and answered counted over { $period }
web-overview-edit-filter = Edit filter
web-overview-figures = Figures
web-overview-departments = By department
web-period-days = the last { $days } days
web-period-from = since { $date }
web-kpi-total = Tickets
web-kpi-open = Open
web-kpi-new = New in period
web-kpi-answered = Answered in period
web-kpi-answered-all = Answered
web-kpi-on-time = On-time rate
web-kpi-median-answer = Answer time (median)
web-kpi-confirmed = Confirmed by communes
web-kpi-satisfaction = Satisfaction (0–100)
web-kpi-reopened = Reopened
web-kpi-auto-closed = Closed automatically
web-duration-hours = { $hours } working hours
web-duration-days = { $days } working days
web-chart-departments = Open and overdue tickets by department
web-chart-weekly = New and answered tickets by week
web-chart-weekly-new = New
web-chart-weekly-answered = Answered
web-chart-week = Week starting
web-chart-on-time = On-time answer rate by department (%)
web-chart-percent = Percent
web-chart-communes = Communes with the most open tickets
web-chart-open-count = Open tickets
web-chart-failed = The charts could not be drawn; the figures below are complete.

web-public-title = Answers to the communes' reports
web-public-off = The public results page is not switched on.
web-public-intro = Figures as of { $at }. Only the reports and the departments' answers are published; no person's name.
web-public-departments = By department
web-public-received = Received
web-public-on-time = Answered on time
web-public-answers = Answered reports
web-public-question = Report
web-public-answer = Answer
web-public-answered-at = answered on { $at }
web-public-no-category = No category
web-public-no-answers = No report has been answered yet.
