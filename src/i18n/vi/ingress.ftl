## Ingress: updates that could not be handled, and edited messages.

update-failed = Xin lỗi, không xử lý được yêu cầu này. Vui lòng kiểm tra lại nội dung rồi gửi lại; nếu vẫn không được, xin báo quản trị viên.
edited-report-resend = Phiếu chỉ được tạo từ tin nhắn mới: vui lòng gửi lại /baocao kèm nội dung trong một tin nhắn mới (tin nhắn đã sửa không được tiếp nhận).
edited-report-filed = Phiếu { $code } đã được tạo từ tin nhắn gốc; nội dung sửa không được cập nhật vào phiếu. Nếu cần bổ sung, vui lòng gửi /baocao mới.
