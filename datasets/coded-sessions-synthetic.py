#!/usr/bin/env python3
"""Writes datasets/coded-sessions-synthetic.csv: SYNTHETIC observer-coded sessions.

Invented for the example of `alliance sequences`; no real session was coded. Run from the
repository's top folder: python3 datasets/coded-sessions-synthetic.py
"""
import csv
import random

rng = random.Random(20231)
WITHDRAWAL = ["W-DENY", "W-MINIMAL", "W-SHIFT", "W-DEFER"]
CONFRONTATION = ["C-THERAPIST", "C-TASK", "C-REJECT"]


def actor(code):
    return "patient" if code[0] in "WCP" else "therapist"


def work(n):
    """Ordinary task work, mostly alternating therapist and patient."""
    out = []
    for _ in range(n):
        out.append("T-WORK" if rng.random() < 0.5 else "P-WORK")
    return out


def episode(style):
    """One rupture episode: markers, the therapist's response, and perhaps a resolution."""
    marker = rng.choice(WITHDRAWAL if rng.random() < 0.6 else CONFRONTATION)
    out = [marker]
    if style == "facilitating":
        out.append(rng.choice(["T-ACKNOWLEDGE", "T-ACKNOWLEDGE", "T-OWN"]))
        if rng.random() < 0.3:
            out.append(rng.choice(WITHDRAWAL))
        out.append(rng.choice(["T-INVITE", "T-VALIDATE"]))
        if rng.random() < 0.4:
            out.append(rng.choice(["T-CLARIFY", "T-CHANGE", "T-VALIDATE"]))
        if rng.random() < 0.85:
            out.append(rng.choice(["P-EXPRESS", "P-REENGAGE"]))
    elif style == "mixed":
        # Explores before acknowledging: off the model's order.
        out.append(rng.choice(["T-INVITE", "T-VALIDATE"]))
        out.append(rng.choice(["T-DEFEND", "T-PERSIST"]))
        out.append(rng.choice(WITHDRAWAL + CONFRONTATION))
        out.append("T-ACKNOWLEDGE")
        if rng.random() < 0.5:
            out.append(rng.choice(["P-EXPRESS", "P-REENGAGE"]))
    else:  # hindering
        out.append(rng.choice(["T-DEFEND", "T-PERSIST", "T-DISMISS"]))
        out.append(rng.choice(WITHDRAWAL + CONFRONTATION))
        out.append(rng.choice(["T-PERSIST", "T-DISMISS", "T-DEFEND"]))
        if rng.random() < 0.5:
            out.append("T-WORK")
        if rng.random() < 0.15:
            out.append("P-REENGAGE")
    return out


rows = []
for p in range(1, 9):
    patient = f"Y{p:02d}"
    for session in sorted(rng.sample(range(2, 13), 2)):
        events = work(rng.randint(3, 5))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            style = rng.choices(["facilitating", "mixed", "hindering"], [0.55, 0.15, 0.30])[0]
            events += episode(style) + work(rng.randint(2, 4))
        # Task work to the end of the session: 18 to 30 events in all.
        events += work(max(2, rng.randint(18, 30) - len(events)))
        # Onsets: one event every 60 to 150 seconds; segments of 5 minutes.
        t = rng.randint(20, 90)
        for code in events:
            rows.append([patient, session, t // 300 + 1, f"{t // 60}:{t % 60:02d}", actor(code), code])
            t += rng.randint(60, 150)

with open("datasets/coded-sessions-synthetic.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["patient", "session", "segment", "onset", "actor", "code"])
    w.writerows(rows)
