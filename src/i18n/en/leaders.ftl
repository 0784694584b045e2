## Leaders' on-demand reports: /tonghop, /quahan, /xuatexcel, /baocaotw.

leaders-not-allowed = Sorry, this command is for the leaders' group and the support-team group only.
leaders-chart-caption = Open and overdue reports by department, { $date }
leaders-export-caption = { $count } reports with their timelines, exported { $date }
leaders-export-no-documents = Zalo cannot receive files yet. Please use /xuatexcel in a Telegram group.
