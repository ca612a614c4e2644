## Start, menu, help, settings, fallbacks

start-greeting =
    Hello, { $name }! 👋 I am the { $city } city bot.
    Tell me about a problem in the street — a pothole, a dark street light, rubbish not collected —
    and I will pass it to the right department and keep you posted.
    You can also ask me a question about waste sorting or public transport.

    Choose below, or just write to me.
menu-report = 📝 Report a problem
menu-my-reports = 📋 My reports
menu-ask = ❓ Ask a question
menu-settings = ⚙️ Settings
menu-placeholder = Write to me or choose below
menu-shown = What would you like to do?

help-text =
    <b>What I can do</b>
    📝 <b>Report a problem</b> — potholes, street lights, rubbish, graffiti, leaks, fallen trees, noise, abandoned cars, snow and ice. I ask what, where, and for photos, then give you a reference number like #123.
    📋 <b>My reports</b> — the status of the reports you sent or follow.
    ❓ <b>Ask a question</b> — how to sort waste, bus routes, fares, lost property.
    ⚙️ <b>Settings</b> — the language I speak with you.

    <b>Commands</b>
    /start — the main menu
    /report — report a problem
    /my — my reports
    /subscribe — digests and city announcements
    /settings — settings
    /privacy — what I keep about you; /mydata — a copy; /forget — erase it
    /help — this help

    You can also just write what happened, in your own words.

settings-title = <b>Settings</b>
    Language: { $language }
settings-choose-language = Choose the language I speak with you:
settings-language-saved = Done: I will speak English with you.
language-name = English

fallback-text = Sorry, I did not understand that. Choose what you need below, or type /help.
fallback-sticker = Nice sticker! 🙂 I understand text best: choose what you need below, or type /help.
fallback-voice = I cannot listen to voice messages yet. Please write in text, or choose below.
fallback-media = I can take photos and locations while you report a problem. To start, press «📝 Report a problem».
fallback-location = Thanks for the location! To report a problem there, press «📝 Report a problem» and share it again when I ask.
fallback-contact = Thanks, but I do not need your phone number: staff talk to you here, through me.
fallback-too-long = That message is very long ({ $length } characters). Please keep it under { $limit } characters.

error-generic = Sorry, something went wrong on my side. Nothing you have sent is lost — please try again in a moment.
error-slow-down = You are sending messages very fast. Please wait a few seconds and try again.
button-expired = This button is no longer active.

staff-only = This action is for city staff only.

command-start = Main menu
command-report = Report a problem
command-my = My reports
command-settings = Settings and language
command-help = What I can do

my-title = <b>Your reports</b>
my-none = You have no reports yet. To send one, press «📝 Report a problem».
my-report-line = { $icon } <b>#{ $number }</b> · { $emoji } { $category } — { $status }
my-open-hint = Press a number to see its history.
my-not-yours = You can only see reports that you sent or follow.
my-event-created = { $when } — report received
my-event-status = { $when } — { $status }
my-event-reply = { $when } — 💬 city staff: { $text }
my-event-your-reply = { $when } — you: { $text }
command-human = Talk to a person
command-staff-queue = This topic's open reports, oldest first
command-staff-report = /report N — a report's full history
command-staff-stats = Counts by status, time to resolve
