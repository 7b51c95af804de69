"""The demo corpus's script: twelve short everyday dialogues written for emoflow, a held-out call, and its cast.

Labels are the seven MELD emotions and describe the words only, which say them plainly (a text model can learn
them from sixty lines); the synthetic speech and the moving photograph carry no emotion at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    """How one speaker sounds and looks: an espeak-ng voice, pitch and speed, and a mirror/hue for the face."""

    espeak: str
    pitch: int
    words_per_minute: int
    mirror: bool
    hue: int


@dataclass(frozen=True)
class Turn:
    """One line of a dialogue: who says it, its emotion label, the words."""

    speaker: str
    label: str
    text: str


@dataclass(frozen=True)
class Dialogue:
    """A dialogue of the script, with the split it belongs to."""

    dialogue_id: str
    split: str
    turns: tuple[Turn, ...]


CAST = {
    "Ana": Voice("en-us+f2", 62, 160, mirror=False, hue=0),
    "Ben": Voice("en-us+m3", 38, 150, mirror=True, hue=12),
    "Chloe": Voice("en-gb+f4", 70, 165, mirror=False, hue=-15),
    "Dev": Voice("en-gb+m4", 30, 145, mirror=True, hue=20),
    "Emma": Voice("en-us+f3", 55, 170, mirror=True, hue=-22),
    "Femi": Voice("en-us+m7", 45, 155, mirror=False, hue=8),
}


def _dialogue(dialogue_id: str, split: str, *turns: tuple[str, str, str]) -> Dialogue:
    return Dialogue(dialogue_id, split, tuple(Turn(*t) for t in turns))


DIALOGUES = (
    _dialogue(
        "d01",
        "train",
        ("Ben", "neutral", "Have you seen my keys anywhere?"),
        ("Ana", "neutral", "They were on the kitchen table this morning."),
        ("Ben", "fear", "They are not there, and I am scared the landlord comes at noon."),
        ("Ana", "neutral", "Check the pocket of your blue jacket."),
        ("Ben", "surprise", "Wow, really? They were in my pocket the whole time?"),
        ("Ana", "joy", "Told you! I am so happy, now we can go and get breakfast."),
        ("Ben", "joy", "Wonderful, breakfast is on me, you saved my morning."),
    ),
    _dialogue(
        "d02",
        "train",
        ("Chloe", "neutral", "Can you pass me the milk for my coffee?"),
        ("Dev", "neutral", "Here you go, it is the last carton."),
        ("Chloe", "disgust", "Ugh, it smells sour. That is disgusting."),
        ("Dev", "surprise", "Really? No way, I only bought it on Monday."),
        ("Chloe", "disgust", "Smell it yourself, it is gross and lumpy."),
        ("Dev", "anger", "That shop keeps selling old stock, I am so angry about it."),
        ("Chloe", "neutral", "I will have my coffee black then."),
        ("Dev", "neutral", "I will take it back to the shop after work."),
    ),
    _dialogue(
        "d03",
        "train",
        ("Emma", "neutral", "The exam results were posted an hour ago."),
        ("Femi", "fear", "I am too nervous to look. I am afraid I failed."),
        ("Ana", "neutral", "You studied every night, just open the page."),
        ("Femi", "surprise", "What? No way, I got the highest mark in the class!"),
        ("Emma", "joy", "That is wonderful, I am so happy for you."),
        ("Ana", "joy", "Great news, we should celebrate tonight."),
        ("Femi", "sadness", "I am sad my grandmother is not here to see it. I miss her."),
        ("Emma", "sadness", "I know, it is heartbreaking. She would have been so proud."),
        ("Ana", "neutral", "Let us call your mother and tell her."),
    ),
    _dialogue(
        "d04",
        "train",
        ("Ben", "anger", "Somebody parked across my driveway again, I am furious!"),
        ("Chloe", "neutral", "Is it the same grey van as last week?"),
        ("Ben", "anger", "Yes, and now I am late for work. It makes me so mad."),
        ("Chloe", "neutral", "I can drive you, my car is on the street."),
        ("Ben", "neutral", "Thanks, let me grab my bag."),
        ("Chloe", "surprise", "Whoa, look, the van is pulling away right now!"),
        ("Ben", "joy", "Perfect timing, I am delighted. I can take my own car after all."),
    ),
    _dialogue(
        "d05",
        "train",
        ("Dev", "sadness", "The vet called. Biscuit is very sick and I am so sad."),
        ("Emma", "surprise", "What? Really? He was running around the garden yesterday."),
        ("Dev", "sadness", "They think it is his heart. I cannot stop crying."),
        ("Emma", "sadness", "I am so sorry, that is heartbreaking news."),
        ("Dev", "fear", "I am scared of going to the clinic alone."),
        ("Emma", "neutral", "I will come with you. Let me get my coat."),
        ("Dev", "neutral", "Thank you. The appointment is at four."),
    ),
    _dialogue(
        "d06",
        "train",
        ("Femi", "neutral", "Is everything ready for tonight?"),
        ("Ana", "neutral", "The cake is in the fridge and the balloons are up."),
        ("Ana", "fear", "Quick, hide, I am terrified she will see us, I can hear her car!"),
        ("Femi", "neutral", "Lights off, everyone keep quiet."),
        ("Femi", "joy", "Happy birthday, Emma! We love you!"),
        ("Emma", "surprise", "Oh my god, no way, you planned all of this for me?"),
        ("Ana", "joy", "We are so happy you like it, we planned it for a month."),
        ("Emma", "joy", "This is wonderful, the best birthday I have ever had."),
    ),
    _dialogue(
        "d07",
        "train",
        ("Ben", "neutral", "How is your soup?"),
        ("Dev", "disgust", "There is a hair in it. Yuck, that is revolting."),
        ("Ben", "disgust", "Gross. Mine tastes of old frying oil, disgusting."),
        ("Dev", "anger", "I am calling the waiter, I am really angry. This is unacceptable."),
        ("Ben", "neutral", "Ask for the bill while you are at it."),
        ("Dev", "neutral", "Fine, let us eat somewhere else."),
    ),
    _dialogue(
        "d08",
        "train",
        ("Chloe", "neutral", "I had the final interview today."),
        ("Femi", "neutral", "How did it go?"),
        ("Chloe", "joy", "They offered me the job on the spot, I am thrilled!"),
        ("Femi", "surprise", "On the spot? Wow, that never happens!"),
        ("Chloe", "fear", "It means moving to another city, and I am afraid of that."),
        ("Femi", "sadness", "I am sad, I will miss having you next door."),
        ("Chloe", "sadness", "I will miss you too. It makes me feel so sad."),
        ("Femi", "neutral", "Sleep on it before you answer them."),
        ("Chloe", "neutral", "You are right, I will decide tomorrow."),
    ),
    _dialogue(
        "d09",
        "val",
        ("Ana", "surprise", "Whoa, what was that noise?"),
        ("Dev", "fear", "Someone threw a stone through the window, I am scared."),
        ("Ana", "anger", "That is the third time this month, I am furious!"),
        ("Dev", "neutral", "I will call the police and report it."),
        ("Ana", "disgust", "And there is glass and mud all over the carpet. Gross."),
        ("Dev", "neutral", "Keep your shoes on while we clean it up."),
        ("Ana", "sadness", "I am sad, I used to feel safe in this house."),
    ),
    _dialogue(
        "d10",
        "val",
        ("Emma", "joy", "Our flights to Lisbon are booked, I am so happy!"),
        ("Ben", "joy", "Wonderful, a whole week by the sea."),
        ("Femi", "neutral", "Did you check the weather forecast?"),
        ("Emma", "neutral", "Sunny every day, twenty five degrees."),
        ("Femi", "surprise", "Really? In March? Wow."),
        ("Ben", "fear", "I am afraid I will get seasick on the boat trip."),
        ("Emma", "neutral", "Take a tablet before we leave the harbour."),
        ("Femi", "disgust", "Last time you were sick all over my shoes, yuck."),
    ),
    _dialogue(
        "d11",
        "test",
        ("Dev", "neutral", "The landlord sent an email about the rent."),
        ("Chloe", "fear", "I am scared it is going up again."),
        ("Dev", "anger", "Twenty percent more, starting next month. I am so angry."),
        ("Chloe", "anger", "That is outrageous, it makes me furious."),
        ("Dev", "sadness", "We might have to move out, which is so sad."),
        ("Chloe", "surprise", "Wait, what? There is a second email, it was a mistake!"),
        ("Dev", "joy", "Two percent, not twenty. I am so happy, what a relief."),
        ("Chloe", "disgust", "Their sloppy typing is disgusting."),
    ),
    _dialogue(
        "d12",
        "test",
        ("Femi", "joy", "I won two tickets to the concert on Saturday, I am thrilled!"),
        ("Emma", "surprise", "No way, really? The sold out one?"),
        ("Femi", "neutral", "A radio quiz. I knew the answer to the last question."),
        ("Ana", "sadness", "I am sad I cannot go, I am working that night."),
        ("Emma", "neutral", "Could you swap your shift with someone?"),
        ("Femi", "fear", "The crowd will be huge, I am afraid we will lose each other."),
        ("Emma", "disgust", "Last time someone spilled beer all over me, gross."),
        ("Ana", "joy", "Wonderful, my colleague will take my shift, I am so happy!"),
    ),
)

NEW_CONVERSATION = _dialogue(
    "call-0142",
    "",
    ("Ana", "neutral", "Hi, I am calling about the parcel I ordered last week."),
    ("Dev", "neutral", "Let me look it up. Can you give me the order number?"),
    ("Ana", "anger", "I have given it three times already, I am really angry."),
    ("Dev", "surprise", "Oh, wow, it says here it was delivered yesterday."),
    ("Ana", "anger", "Delivered? That is outrageous, nothing came!"),
    ("Dev", "fear", "I am afraid it may have been left at the wrong address."),
    ("Ana", "sadness", "It was a birthday present for my mother. I am so sad."),
    ("Dev", "joy", "Good news, we can send a new one today, free of charge."),
    ("Ana", "joy", "Wonderful, thank you, I am so happy to hear that."),
)
"""A conversation the demo's model never sees: the demo renders it without labels and predicts it (its labels
here are what the words say, for the reader)."""
