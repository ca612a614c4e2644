## A resident's conversation with staff about a report: how it ends, and text that may be new.

conversation-ended-report-closed = 💬 <b>#{ $number }</b> is «{ $status }», so our conversation about it is closed. Anything you write now I read as a new message; to add to #{ $number }, reply to a message about it.
conversation-ended-quiet = 💬 It has been quiet for a while, so our conversation about <b>#{ $number }</b> is closed. Anything you write now I read as a new message; to add to #{ $number }, reply to a message about it.
conversation-ended-by-you = 💬 Our conversation about #{ $number } is closed: anything you write now I read as a new message.
aside-question = Is this about <b>#{ $number }</b>, or something new?
button-aside-about = 💬 About #{ $number }
button-aside-new = 🆕 Something new
aside-about-chosen = 💬 About #{ $number }.
aside-new-chosen = 🆕 Something new: our conversation about #{ $number } is closed.

## Plain words that do what a menu button does, comma-separated, matched whatever the case
## (the button's own label, without its emoji, always counts too).
menu-words-report = report a problem, report problem, new report
menu-words-my-reports = my reports, my report, my requests
menu-words-ask = ask a question, question
menu-words-settings = settings, setting, language
