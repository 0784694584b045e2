## Ticket workflow: why an action was refused, and timeline labels of ticket events.
## Refusals take { $code } (ticket code); also { $name } (claimant) for already_claimed,
## { $status } (status label) for invalid_state, { $max } for invalid_working_days,
## { $parent } (parent ticket code) for merge_target_closed and merge_target_is_child,
## { $until } (end of the reopen window, "dd/mm/yyyy hh:mm") for reopen_window_ended.

refusal-not_permitted_role = Bạn không có quyền thực hiện thao tác này với phiếu { $code }.
refusal-person_required = Chưa xác định được tài khoản của bạn nên chưa thể nhận phiếu { $code }.
refusal-not_your_department = Phiếu { $code } không được giao cho sở của bạn.
refusal-not_your_commune = Phiếu { $code } không phải của xã, phường bạn.
refusal-closed = Phiếu { $code } đã đóng, không thể thay đổi nữa.
refusal-invalid_state = Phiếu { $code } đang ở trạng thái “{ $status }”, không thực hiện được thao tác này.
refusal-already_claimed = Phiếu { $code } đã được { $name } nhận xử lý.
refusal-already_yours = Bạn đã nhận xử lý phiếu { $code } rồi.
refusal-department_required = Vui lòng chọn sở, ban, ngành để chuyển phiếu { $code }.
refusal-same_department = Phiếu { $code } đang được giao cho sở này rồi.
refusal-no_change = Phiếu { $code } không có gì thay đổi.
refusal-reason_required = Vui lòng ghi rõ lý do cho phiếu { $code }.
refusal-text_required = Vui lòng nhập nội dung cho phiếu { $code }.
refusal-invalid_working_days = Số ngày gia hạn phải là số nguyên từ 1 đến { $max } ngày làm việc.
refusal-extension_pending = Phiếu { $code } đang có đề nghị gia hạn chờ duyệt.
refusal-no_pending_extension = Phiếu { $code } không có đề nghị gia hạn nào đang chờ duyệt.
refusal-cannot_merge_into_self = Không thể gộp phiếu { $code } vào chính nó.
refusal-merge_target_closed = Phiếu { $parent } đã đóng, không thể gộp phiếu { $code } vào.
refusal-merge_target_is_child = Phiếu { $parent } đã được gộp vào phiếu khác; vui lòng gộp vào phiếu gốc.
refusal-already_confirmed = Phiếu { $code } đã được xác nhận giải quyết rồi; mỗi phiếu chỉ xác nhận một lần.
refusal-already_rated = Phiếu { $code } đã có ý kiến đánh giá của xã; mỗi phiếu chỉ ghi nhận một lần.
refusal-not_confirmed = Phiếu { $code } chưa được xác nhận giải quyết. Xã cho ý kiến sau khi đồng ý với câu trả lời: /xong { $code } 1, 2 hoặc 3.
refusal-auto_closed = Phiếu { $code } đã tự động đóng (coi như đã giải quyết), không cần xác nhận hay cho ý kiến nữa.
refusal-reopen_window_ended = Phiếu { $code } đã tự động đóng và đã hết thời hạn mở lại ({ $until }). Nếu vấn đề vẫn còn, xin gửi kiến nghị mới bằng /baocao.

event-claimed = Tổ công tác nhận xử lý
event-unclaimed = Tổ công tác thôi nhận xử lý
event-assigned = Chuyển sở xử lý
event-transferred = Chuyển sang sở khác
event-priority_changed = Đổi mức độ ưu tiên
event-central_flagged = Đánh dấu kiến nghị Trung ương
event-central_unflagged = Bỏ đánh dấu kiến nghị Trung ương
event-rejected = Không thuộc phạm vi / trùng
event-merged = Gộp vào phiếu khác
event-escalated_central = Chuyển thành kiến nghị Trung ương
event-note = Ghi chú nội bộ
event-answered = Sở trả lời bằng văn bản
event-answer_supplemented = Sở trả lời bổ sung
event-returned = Sở trả lại: không thuộc thẩm quyền
event-extension_requested = Sở đề nghị gia hạn
event-extension_approved = Đồng ý gia hạn
event-extension_denied = Không đồng ý gia hạn
event-snoozed = Sở đang xử lý, nhắc lại sau
event-confirmed = Xã xác nhận đã giải quyết
event-reopened = Xã chưa đồng ý, đề nghị trả lời lại
