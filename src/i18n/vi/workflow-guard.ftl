## Workflow guards: unknown or inactive departments and categories, tickets outside the chat's
## units, and reminders for tickets the support team holds (claimed, returned).
## Refusals take { $code } (ticket code); { $department } and { $codes } (the codes that take
## tickets) for the department refusals; { $category } for unknown_category.

refusal-unknown_department = Không có sở, ban, ngành mã “{ $department }” để chuyển phiếu { $code }. Các mã đang nhận phiếu: { $codes }.
refusal-department_inactive = { $department } hiện không nhận phiếu, chưa chuyển phiếu { $code }. Các mã đang nhận phiếu: { $codes }.
refusal-unknown_category = Không có lĩnh vực “{ $category }” cho phiếu { $code }.

ticket-not-found-for-you = Không tìm thấy phiếu { $code } trong các phiếu đơn vị bạn được xem.

reminder-returned-item = • <b>{ $code }</b> · { $commune } · sở trả lại { $at } ({ $age })
reminder-claimed-title = ⏰ <b>{ $count } phiếu đã nhận xử lý nhưng chưa chuyển sở</b>
reminder-claimed-item = • <b>{ $code }</b> · { $commune } · { $claimant } nhận { $at } ({ $age })
reminder-lead-title = ⚠️ <b>Báo trưởng nhóm: { $count } phiếu tổ công tác giữ lâu chưa chuyển sở</b> — { $leads }
reminder-lead-claimed-item = • <b>{ $code }</b> · { $commune } · { $claimant } nhận { $at } ({ $age }), chưa chuyển sở
reminder-lead-returned-item = • <b>{ $code }</b> · { $commune } · sở trả lại { $at } ({ $age }), chưa có người nhận
