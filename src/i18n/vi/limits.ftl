# Giới hạn chống lạm dụng và tin nhắn gửi không được.

send-parked-admin = ⚠️ Tin nhắn ({ $purpose }) tới cuộc trò chuyện { $chat } vẫn chưa gửi được sau { $seconds } giây: { $reason }. Tin này được tạm gác lại để các tin sau tới cuộc trò chuyện đó không phải chờ; hệ thống vẫn tiếp tục thử gửi lại.
admin-notices-capped = ⚠️ Đã đạt giới hạn { $limit } thông báo cho quản trị viên trong một giờ: các thông báo tiếp theo sẽ không được gửi cho tới { $until }.
report-flood-until = Bạn đã gửi nhiều kiến nghị trong thời gian ngắn. Các kiến nghị gửi thêm trước { $until } sẽ không được tiếp nhận và bot sẽ không nhắc lại thông báo này; vui lòng gửi lại sau thời điểm đó, hoặc gộp các nội dung vào một kiến nghị.
link-code-limited = Bạn đã nhập sai mã liên kết quá nhiều lần. Vui lòng thử lại sau { $until } (kể cả khi mã đúng), hoặc liên hệ quản trị viên để được cấp mã mới.
