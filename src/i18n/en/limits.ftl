# Abuse limits and messages that could not be sent.

send-parked-admin = ⚠️ A message ({ $purpose }) to chat { $chat } still could not be delivered after { $seconds } seconds: { $reason }. It has been set aside so later messages to that chat do not wait for it; delivery is still being retried.
admin-notices-capped = ⚠️ The limit of { $limit } admin notices per hour has been reached: further notices will not be sent until { $until }.
report-flood-until = You have sent many reports in a short time. Further reports sent before { $until } will not be accepted and this notice will not be repeated; please send them after that time, or combine them into one report.
link-code-limited = Too many wrong link codes. Please try again after { $until } (even with the right code), or ask an admin for a new code.
