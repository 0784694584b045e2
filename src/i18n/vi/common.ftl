## Shared vocabulary: statuses, priorities, roles.

status-new = Mới tiếp nhận
status-claimed = Tổ công tác đã nhận
status-assigned = Đã chuyển sở
status-answered = Đã trả lời
status-resolved = Đã giải quyết
status-returned = Sở trả lại
status-reopened = Xã chưa đồng ý
status-escalated_central = Kiến nghị Trung ương
status-rejected = Không thuộc phạm vi / trùng

priority-khan = Khẩn
priority-thuong = Thường
priority-phuc_tap = Phức tạp

due-ok = Trong hạn
due-soon = Sắp đến hạn
due-overdue = Quá hạn
