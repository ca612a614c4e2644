## Questions to the city's knowledge base, and free text the bot understood

ask-prompt = Ask me about waste sorting or public transport, in your own words — for example «where do old batteries go?» or «bus 7». Or choose below.
ask-report-unknown = I could not find report #{ $number } among yours. Here are the reports you sent or follow:
