## Ticket work: commands, buttons, notices to each group.

ticket-not-found = Không tìm thấy phiếu { $code }.
ticket-code-required = Vui lòng ghi mã phiếu, ví dụ: { $example }

btn-claim = ✋ Nhận xử lý
btn-assign = 🏛 Chuyển sở
btn-priority = ⚡ Mức độ
btn-central = 🇻🇳 Kiến nghị TW
btn-central-off = Bỏ kiến nghị TW
btn-reject = ⛔ Từ chối
btn-merge = 🔗 Gộp
btn-answer = ✍️ Trả lời
btn-return = ↩️ Trả lại
btn-extension = ⏳ Xin gia hạn
btn-snooze = 🔄 Đang xử lý, nhắc lại sau
btn-confirm = ✅ Đồng ý
btn-reopen = ❗ Chưa đồng ý
btn-approve-extension = ✅ Đồng ý gia hạn
btn-deny-extension = ❌ Không đồng ý
btn-cancel = Đóng

button-stale = Nút này không còn hiệu lực. Gõ /phieu &lt;mã phiếu&gt; để xem tình trạng mới nhất.
picker-department = Chọn sở, ban, ngành nhận phiếu { $code }:
picker-priority = Chọn mức độ cho phiếu { $code }:
prompt-reject = Trả lời (reply) tin nhắn này với lý do từ chối phiếu { $code }, hoặc gõ: /tuchoi { $code } &lt;lý do&gt;
prompt-merge = Trả lời (reply) tin nhắn này với mã phiếu gốc để gộp { $code } vào, hoặc gõ: /gop { $code } &lt;mã phiếu gốc&gt;
prompt-answer = Trả lời (reply) tin nhắn này với nội dung trả lời phiếu { $code } (có thể kèm ảnh, tệp), hoặc gõ: /traloi { $code } &lt;nội dung&gt;
prompt-return = Trả lời (reply) tin nhắn này với lý do trả lại phiếu { $code }, hoặc gõ: /tralai { $code } &lt;lý do&gt;
prompt-extension = Trả lời (reply) tin nhắn này: &lt;số ngày làm việc&gt; &lt;lý do&gt;, hoặc gõ: /giahan { $code } &lt;số ngày&gt; &lt;lý do&gt;
prompt-reopen = Trả lời (reply) tin nhắn này với lý do chưa đồng ý, hoặc gõ: /molai { $code } &lt;lý do&gt;
prompt-note = Trả lời (reply) tin nhắn này với ghi chú nội bộ cho phiếu { $code }.

done-claimed = { $name } đã nhận xử lý phiếu { $code }.
done-unclaimed = Đã thôi nhận xử lý phiếu { $code }.
done-assigned = Đã chuyển phiếu { $code } tới { $department }. Hạn trả lời: { $deadline }.
done-transferred = Đã chuyển phiếu { $code } sang { $department }. Hạn trả lời: { $deadline }.
done-priority = Phiếu { $code }: mức độ { $priority }.
done-central-on = Phiếu { $code } được đưa vào danh sách kiến nghị Trung ương.
done-central-off = Phiếu { $code } đã bỏ khỏi danh sách kiến nghị Trung ương.
done-rejected = Đã từ chối phiếu { $code }.
done-merged = Đã gộp phiếu { $code } vào { $parent }.
done-escalated = Phiếu { $code } chuyển thành kiến nghị Trung ương.
done-note = Đã ghi chú nội bộ cho phiếu { $code }.
done-answered = Đã gửi câu trả lời phiếu { $code } tới xã, phường.
done-returned = Đã trả lại phiếu { $code } cho tổ công tác.
done-extension-requested = Đã gửi đề nghị gia hạn phiếu { $code } thêm { $days } ngày làm việc; chờ trưởng nhóm tổ công tác duyệt.
done-extension-approved = Đã đồng ý gia hạn phiếu { $code }. Hạn mới: { $deadline }.
done-extension-denied = Không đồng ý gia hạn phiếu { $code }.
done-snoozed = Đã ghi nhận phiếu { $code } đang xử lý; bot sẽ nhắc lại sau.
done-confirmed = Cảm ơn! Phiếu { $code } đã được xác nhận giải quyết xong.
done-reopened = Đã gửi lại phiếu { $code } cho { $department } kèm lý do.

notice-department-new = 📥 <b>Phiếu mới được giao: { $code }</b>
    Xã/phường: { $commune }
    Hạn trả lời: { $deadline }
    Trả lời bằng văn bản: chọn "Trả lời" hoặc trả lời (reply) tin nhắn này, hoặc /traloi { $code } &lt;nội dung&gt;.
notice-department-transferred-away = Phiếu { $code } đã được chuyển sang đơn vị khác; sở không cần xử lý nữa.
notice-department-closed = Phiếu { $code } đã được đóng ({ $reason }); sở không cần xử lý nữa.
notice-department-reopened = ❗ <b>Xã chưa đồng ý câu trả lời phiếu { $code }</b>
    Lý do: { $reason }
    Hạn trả lời mới: { $deadline }
notice-department-extension = Đề nghị gia hạn phiếu { $code }: { $decision }. Hạn trả lời: { $deadline }.
notice-attachments = Tệp đính kèm của phiếu { $code }
notice-commune-assigned = Phiếu { $code } đã được chuyển tới <b>{ $department }</b>. Hạn trả lời: { $deadline }.
notice-commune-answer = 📨 <b>Trả lời phiếu { $code }</b> từ <b>{ $department }</b>:
    
    { $text }
    
    Nếu đồng ý, chọn "Đồng ý" hoặc gõ /xong { $code }. Nếu chưa đồng ý: /molai { $code } &lt;lý do&gt;.
notice-commune-rejected = Phiếu { $code } không được tiếp nhận xử lý. Lý do: { $reason }
notice-commune-merged = Phiếu { $code } trùng nội dung với phiếu { $parent } nên đã được gộp; câu trả lời của phiếu { $parent } sẽ được gửi tới xã, phường.
notice-commune-escalated = Phiếu { $code } vượt thẩm quyền của tỉnh, đã được tổng hợp để kiến nghị Trung ương.
notice-support-returned = ↩️ <b>{ $department } trả lại phiếu { $code }</b>. Lý do: { $reason }
notice-support-answered = ✍️ { $department } đã trả lời phiếu { $code }.
notice-support-reopened = ❗ Xã chưa đồng ý câu trả lời phiếu { $code }, đã gửi lại { $department }. Lý do: { $reason }
notice-support-confirmed = ✅ Phiếu { $code } đã được xã xác nhận giải quyết.
notice-support-auto-routed = 🤖 Phiếu { $code } đã được tự động chuyển tới { $department }.
notice-support-extension = ⏳ <b>{ $department } xin gia hạn phiếu { $code }</b> thêm { $days } ngày làm việc.
    Lý do: { $reason }
    { $leads }

status-title = <b>Phiếu { $code }</b> · { $commune }
status-line = Trạng thái: <b>{ $status }</b>
status-department = Sở phụ trách: { $department }
status-deadline = Hạn trả lời: { $deadline } ({ $due })
status-claimant = Tổ công tác: { $name }
status-parent = Đã gộp vào phiếu { $parent }
status-children = Phiếu gộp vào: { $codes }
status-timeline = <b>Diễn biến</b>
status-event = • { $at } — { $label }{ $actor }{ $text }
list-title = <b>Phiếu đang mở ({ $count })</b>
list-empty = Không có phiếu nào đang mở.
list-item = • <b>{ $code }</b> · { $commune } · { $status }{ $due }
list-more = … và { $count } phiếu khác.
leads-none = (Chưa có trưởng nhóm: quản trị viên dùng /truongnhom để chỉ định.)
lead-set = Đã chỉ định { $name } làm trưởng nhóm tổ công tác (duyệt gia hạn).
lead-usage = Quản trị viên trả lời (reply) tin nhắn của một thành viên bằng /truongnhom để chỉ định trưởng nhóm.

event-created = Tiếp nhận kiến nghị

btn-category = 🏷 Lĩnh vực
picker-category = Chọn lĩnh vực cho phiếu { $code }:
done-category = Phiếu { $code }: lĩnh vực { $category }.
offer-route = Chuyển phiếu { $code } tới sở mặc định của lĩnh vực ({ $department })?
card-auto-routed = 🤖 Đã tự động chuyển sở theo gợi ý phân loại.
event-category_changed = Xác định lĩnh vực

reminder-unclaimed-title = ⏰ <b>{ $count } phiếu chưa có người nhận xử lý</b>
reminder-unclaimed-item = • <b>{ $code }</b> · { $commune } · tiếp nhận { $at } ({ $age })
reminder-department-title = ⏰ <b>Nhắc việc: { $department } còn { $count } phiếu chưa trả lời</b>
reminder-department-item = • <b>{ $code }</b> · { $commune } · đã giao { $age } · hạn { $deadline }{ $due }
reminder-short-item = • <b>{ $code }</b> · { $commune } · { $age }
reminder-department-short-item = • <b>{ $code }</b> · { $commune } · hạn { $deadline }{ $due }
reminder-department-footer = Trả lời: /traloi &lt;mã phiếu&gt; &lt;nội dung&gt; hoặc trả lời (reply) tin nhắn phiếu. Xin gia hạn: /giahan &lt;mã phiếu&gt; &lt;số ngày&gt; &lt;lý do&gt;.
escalation-department-head = ⚠️ <b>Quá hạn</b> — kính báo { $head }, lãnh đạo { $department }:
escalation-department-no-head = ⚠️ <b>Quá hạn</b> — kính báo lãnh đạo { $department }:
escalation-support-lead = ⚠️ <b>Phiếu quá hạn chưa được trả lời</b> — { $leads }
escalation-leaders = 🔴 <b>Báo cáo lãnh đạo: { $count } phiếu quá hạn chưa được trả lời</b>
escalation-item = • <b>{ $code }</b> · { $commune } · { $department } · hạn { $deadline } — <b>quá hạn</b>
escalation-target-department_head = Nhắc lãnh đạo sở (quá hạn)
escalation-target-support_lead = Báo trưởng nhóm tổ công tác (quá hạn)
escalation-target-leaders = Báo nhóm lãnh đạo (quá hạn)
event-escalated = Quá hạn: đã báo cấp trên
head-set = Đã đặt người nhận nhắc quá hạn của { $department }: { $head }.
head-usage = Cách dùng: /truongso &lt;mã sở&gt; &lt;@tên_tài_khoản hoặc họ tên&gt;
age-days = { $n } ngày làm việc
age-hours = { $n } giờ làm việc
age-minutes = { $n } phút
