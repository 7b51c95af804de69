"""The demo corpus's script: twelve short everyday dialogues written for emoflow, and its cast.

Labels are the seven MELD emotions and describe the words only: the synthetic speech and the moving photograph
carry no emotion at all.
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
        ("Ben", "fear", "They are not there, and the landlord comes at noon."),
        ("Ana", "neutral", "Check the pocket of your blue jacket."),
        ("Ben", "surprise", "Wait, they were in my pocket the whole time?"),
        ("Ana", "joy", "Told you. Now we can go and get breakfast."),
        ("Ben", "joy", "Breakfast is on me, you saved my morning."),
    ),
    _dialogue(
        "d02",
        "train",
        ("Chloe", "neutral", "Can you pass me the milk for my coffee?"),
        ("Dev", "neutral", "Here you go, it is the last carton."),
        ("Chloe", "disgust", "Ugh, it smells sour. It went off days ago."),
        ("Dev", "surprise", "Really? I only bought it on Monday."),
        ("Chloe", "disgust", "Smell it yourself, it is all lumpy."),
        ("Dev", "anger", "That shop keeps selling old stock, it drives me mad."),
        ("Chloe", "neutral", "I will have my coffee black then."),
        ("Dev", "neutral", "I will take it back to the shop after work."),
    ),
    _dialogue(
        "d03",
        "train",
        ("Emma", "neutral", "The exam results were posted an hour ago."),
        ("Femi", "fear", "I am too nervous to look. What if I failed?"),
        ("Ana", "neutral", "You studied every night, just open the page."),
        ("Femi", "surprise", "I got the highest mark in the class!"),
        ("Emma", "joy", "That is wonderful, I knew you could do it."),
        ("Ana", "joy", "We should celebrate tonight."),
        ("Femi", "sadness", "I only wish my grandmother were here to see it."),
        ("Emma", "sadness", "She would have been so proud of you."),
        ("Ana", "neutral", "Let us call your mother and tell her."),
    ),
    _dialogue(
        "d04",
        "train",
        ("Ben", "anger", "Somebody parked across my driveway again."),
        ("Chloe", "neutral", "Is it the same grey van as last week?"),
        ("Ben", "anger", "Yes, and now I am late for work because of it."),
        ("Chloe", "neutral", "I can drive you, my car is on the street."),
        ("Ben", "neutral", "Thanks, let me grab my bag."),
        ("Chloe", "surprise", "Oh, the van is pulling away right now."),
        ("Ben", "joy", "Perfect timing. I can take my own car after all."),
    ),
    _dialogue(
        "d05",
        "train",
        ("Dev", "sadness", "The vet called. Biscuit is very sick."),
        ("Emma", "surprise", "What? He was running around the garden yesterday."),
        ("Dev", "sadness", "They think it is his heart. He is old now."),
        ("Emma", "sadness", "I am so sorry. He has been with you for twelve years."),
        ("Dev", "fear", "I am scared of going to the clinic alone."),
        ("Emma", "neutral", "I will come with you. Let me get my coat."),
        ("Dev", "neutral", "Thank you. The appointment is at four."),
    ),
    _dialogue(
        "d06",
        "train",
        ("Femi", "neutral", "Is everything ready for tonight?"),
        ("Ana", "neutral", "The cake is in the fridge and the balloons are up."),
        ("Ana", "fear", "Quick, hide, I can hear her car outside!"),
        ("Femi", "neutral", "Lights off, everyone keep quiet."),
        ("Femi", "joy", "Surprise! Happy birthday, Emma!"),
        ("Emma", "surprise", "No way, you planned all of this for me?"),
        ("Ana", "joy", "We have been planning it for a month."),
        ("Emma", "joy", "This is the best birthday I have ever had."),
    ),
    _dialogue(
        "d07",
        "train",
        ("Ben", "neutral", "How is your soup?"),
        ("Dev", "disgust", "There is a hair in it. That is revolting."),
        ("Ben", "disgust", "Gross. Mine tastes of old frying oil."),
        ("Dev", "anger", "I am calling the waiter. This is unacceptable."),
        ("Ben", "neutral", "Ask for the bill while you are at it."),
        ("Dev", "neutral", "Fine, let us eat somewhere else."),
    ),
    _dialogue(
        "d08",
        "train",
        ("Chloe", "neutral", "I had the final interview today."),
        ("Femi", "neutral", "How did it go?"),
        ("Chloe", "joy", "They offered me the job on the spot!"),
        ("Femi", "surprise", "On the spot? That never happens."),
        ("Chloe", "fear", "It means moving to another city, though."),
        ("Femi", "sadness", "I will miss having you next door."),
        ("Chloe", "sadness", "I will miss you too. It is a hard choice."),
        ("Femi", "neutral", "Sleep on it before you answer them."),
        ("Chloe", "neutral", "You are right, I will decide tomorrow."),
    ),
    _dialogue(
        "d09",
        "val",
        ("Ana", "surprise", "What was that noise?"),
        ("Dev", "fear", "Someone threw a stone through the window."),
        ("Ana", "anger", "That is the third time this month!"),
        ("Dev", "neutral", "I will call the police and report it."),
        ("Ana", "disgust", "And there is glass and mud all over the carpet."),
        ("Dev", "neutral", "Keep your shoes on while we clean it up."),
        ("Ana", "sadness", "I used to feel safe in this house."),
    ),
    _dialogue(
        "d10",
        "val",
        ("Emma", "joy", "Our flights to Lisbon are booked!"),
        ("Ben", "joy", "Finally, a whole week by the sea."),
        ("Femi", "neutral", "Did you check the weather forecast?"),
        ("Emma", "neutral", "Sunny every day, twenty five degrees."),
        ("Femi", "surprise", "In March? That is lucky."),
        ("Ben", "fear", "I just hope I do not get seasick on the boat trip."),
        ("Emma", "neutral", "Take a tablet before we leave the harbour."),
        ("Femi", "disgust", "Last time you were sick all over my shoes."),
    ),
    _dialogue(
        "d11",
        "test",
        ("Dev", "neutral", "The landlord sent an email about the rent."),
        ("Chloe", "fear", "Please tell me it is not going up again."),
        ("Dev", "anger", "Twenty percent more, starting next month."),
        ("Chloe", "anger", "That is outrageous, we cannot afford that."),
        ("Dev", "sadness", "We might have to move out."),
        ("Chloe", "surprise", "Wait, there is a second email. It was a mistake."),
        ("Dev", "joy", "Two percent, not twenty. What a relief."),
        ("Chloe", "disgust", "Their sloppy typing gave me a headache."),
    ),
    _dialogue(
        "d12",
        "test",
        ("Femi", "joy", "I won two tickets to the concert on Saturday!"),
        ("Emma", "surprise", "The sold out one? How did you manage that?"),
        ("Femi", "neutral", "A radio quiz. I knew the answer to the last question."),
        ("Ana", "sadness", "I wish I could go, but I am working that night."),
        ("Emma", "neutral", "Could you swap your shift with someone?"),
        ("Femi", "fear", "The crowd will be huge, I hope we do not lose each other."),
        ("Emma", "disgust", "Last time someone spilled beer all over me."),
        ("Ana", "joy", "My colleague just texted. She will take my shift!"),
    ),
)
