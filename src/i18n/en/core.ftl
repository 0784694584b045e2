## Help, linking chats and filing reports.

help-header = <b>Tháo gỡ</b> — the bot that receives communes' reports and chases the answers.
help-unlinked =
    This chat is not linked to any unit yet.
    • An admin links a group: /lienket xa &lt;commune code&gt;, /lienket so &lt;department code&gt;, /lienket tocongtac, /lienket lanhdao
    • An official with a one-time code sends it to the bot in a private chat: lienket &lt;code&gt;
help-commune =
    Group of <b>{ $unit }</b>.
    • /baocao &lt;text&gt; — report a difficulty (a photo or file may carry the command in its caption)
    • /phieu &lt;code&gt; — ticket status
    • /ds — this unit's open tickets
    • /xong &lt;code&gt; — accept the answer
    • /molai &lt;code&gt; &lt;reason&gt; — not satisfied, ask again
    • /web — open the web desk (the sign-in link is sent to you privately)
help-support =
    <b>Support team</b> group.
    • /nhan &lt;code&gt; — claim (or choose "Nhận xử lý" on the card)
    • /chuyen &lt;code&gt; &lt;department&gt; — route to a department
    • /linhvuc &lt;code&gt; — set the category; /mucdo &lt;code&gt; khan|thuong|phuc_tap
    • /tuchoi &lt;code&gt; &lt;reason&gt; — reject; /gop &lt;code&gt; &lt;parent code&gt; — merge a duplicate
    • /kientw &lt;code&gt; — flag for the central level
    • /ghichu &lt;code&gt; &lt;text&gt; — internal note (communes never see it)
    • /phieu &lt;code&gt;, /ds — view tickets; /tonghop, /quahan, /xuatexcel, /baocaotw — reports
    • /web — open the web desk (the sign-in link is sent to you privately)
help-department =
    Contact group of <b>{ $unit }</b>.
    • /traloi &lt;code&gt; &lt;text&gt; — written answer (or reply to the bot's ticket message)
    • /tralai &lt;code&gt; &lt;reason&gt; — not ours, back to the support team
    • /giahan &lt;code&gt; &lt;working days&gt; &lt;reason&gt; — ask for an extension
    • /phieu &lt;code&gt;, /ds — assigned tickets
    • /web — open the web desk (the sign-in link is sent to you privately)
help-leaders =
    <b>Leaders</b> group.
    • /tonghop — digest now
    • /quahan — overdue list
    • /xuatexcel — Excel file of every ticket and its timeline
    • /baocaotw — central-level list by theme
    • /phieu &lt;code&gt;, /ds — view tickets
    • /web — open the web desk (the sign-in link is sent to you privately)
help-admin =
    <b>Admin</b>:
    • /lienket xa &lt;code&gt; | so &lt;code&gt; | tocongtac | lanhdao — link this group
    • /taoma xa &lt;code&gt; | so &lt;code&gt; — one-time code for a private chat
    • /truongnhom (reply to a support member's message) — name the lead who approves extensions
    • /truongso &lt;department&gt; &lt;@username&gt; — who overdue escalations name
    • /web — open the web desk (the sign-in link is sent to you privately)

link-usage =
    Usage:
    /lienket xa &lt;commune code&gt; (e.g. /lienket xa 11953)
    /lienket so &lt;department code&gt; (e.g. /lienket so SNV)
    /lienket tocongtac
    /lienket lanhdao
link-not-admin = Sorry, only admins can link groups. Nothing was changed.
link-group-only = Use this command in a group. To link a private chat, an admin creates a code with /taoma.
link-commune-not-found = No commune matches "{ $query }". Use the 5-digit code, e.g. /lienket xa 11953.
link-commune-ambiguous = Several communes match "{ $query }": { $matches }. Please use the code.
link-department-not-found = No department "{ $query }". Valid codes: { $codes }.
link-done-commune = This group is now linked to <b>{ $unit }</b> (code { $code }). Officials report with /baocao &lt;text&gt;.
link-done-department = This group is now linked to <b>{ $unit }</b>. Tickets assigned to it arrive here.
link-done-support = This group is now the <b>support team</b> group. Every new report arrives here.
link-done-leaders = This group is now the <b>leaders</b> group. The daily digest arrives here.
link-code-invalid = Link code "{ $code }" is not valid. Check it or ask an admin for a new one.
link-code-expired = Link code "{ $code }" has expired. Ask an admin for a new one.
link-code-used = Link code "{ $code }" has already been used. Each code works once.
link-code-private-only = Link codes work only in a private chat with the bot.
link-code-done = Your account is now linked to <b>{ $unit }</b>. You can report and follow tickets right here.
code-usage =
    Usage:
    /taoma xa &lt;commune code&gt;
    /taoma so &lt;department code&gt;
code-not-admin = Sorry, only admins can create link codes.
code-created = One-time link code for <b>{ $unit }</b>: <code>{ $code }</code> (expires { $expires }). The recipient sends the bot, in a private chat: lienket { $code }

report-usage = Please write the report after the command, e.g. /baocao The service centre has no working computers.
report-unlinked = This chat is not linked to a commune, so reports cannot be filed here yet. Please contact an admin.
report-wrong-chat = /baocao works in a commune's group or in a linked official's private chat.
report-created = Report received, ticket <b>{ $code }</b>. The support team will route it to the responsible department. Status: /phieu { $code }
receipts-title = { $count } reports received, tickets:
receipts-hint = The support team will route each to the responsible department. Status: /phieu <code>, e.g. /phieu { $example }
report-no-support-group = No support-team group is linked yet; the ticket is saved and will show once one is linked.

card-title = <b>{ $code }</b> · { $commune }
card-reporter = From: { $name }
card-status = Status: <b>{ $status }</b>
card-category = Category: { $category }
card-category-suggested = Suggested category: { $category } ({ $confidence }%)
card-department = Department: { $department }
card-claimant = Claimed by: { $name }
card-priority = Priority: { $priority }
card-deadline = Answer due: { $deadline }
card-attachments = Attachments: { $count }
card-created = Received: { $at }

unlinked-group-added = The bot was added to the unlinked group "{ $title }" (id { $chatId }). Use /lienket in that group to link it.
command-unknown = Unknown command. Type /trogiup for help.
error-generic = Something went wrong. Please try again in a few minutes.
send-failed-admin = ⚠️ A message ({ $purpose }) could not be delivered to chat { $chat }: { $reason }
