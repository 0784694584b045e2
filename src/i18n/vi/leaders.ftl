## Leaders' on-demand reports: /tonghop, /quahan, /xuatexcel, /baocaotw.

leaders-not-allowed = Xin lỗi, lệnh này chỉ dùng trong nhóm lãnh đạo hoặc nhóm tổ công tác.
leaders-chart-caption = Biểu đồ kiến nghị đang mở và quá hạn theo sở, ngành ngày { $date }
leaders-export-caption = Danh sách { $count } phiếu kiến nghị và diễn biến xử lý, xuất ngày { $date }
leaders-export-no-documents = Zalo chưa hỗ trợ gửi tệp. Vui lòng dùng lệnh /xuatexcel trong nhóm Telegram.
