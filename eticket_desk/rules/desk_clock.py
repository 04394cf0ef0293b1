"""How far a desk's clock is trusted to date its ops: the one decision the server applies at
every push, and the French words the desk's settings and its sync issues show.

At each push the server measures the desk's clock offset (server time − the desk's time when
it sent the push, in seconds). A deadline is judged at the moment an op was made at the desk
(`made_at`, corrected by that offset) only when the clock can be trusted for that op:
- the offset is known and within the limit (a server setting, 5 minutes by default);
- the corrected moment is not after the server's own now;
- nor before the device's previous contact (the end of its previous sync: a clock set back
  while offline, then set right again before the sync);
- nor before an earlier op of the same push (device order: a clock set back meanwhile).
Otherwise the op is judged at the server's own time, and a refusal for a passed deadline
says why (`distrust`, French). An op without `made_at` (an older desk) is judged at the
server's time, as before.

The previous contact is the end of the desk's previous sync (its pull): every op made
before it had been pushed. An op written between a sync's last push and its pull (a second
or two), or a clock drifting a little since its offset was measured, is allowed
CONTACT_SLACK_S before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_LIMIT_S = 300  # five minutes
CONTACT_SLACK_S = 120
_DAY, _HOUR, _MINUTE = 86400, 3600, 60


def spoken_duration(seconds: int) -> str:
    """« 3 s », « 7 min », « 2 h 10 », « 3 j », « 3 j 2 h 05 » (the size of an offset)."""
    days, rest = divmod(abs(int(seconds)), _DAY)
    hours, rest = divmod(rest, _HOUR)
    minutes, secs = divmod(rest, _MINUTE)
    if days:
        return f"{days} j {hours} h {minutes:02d}" if hours or minutes else f"{days} j"
    if hours:
        return f"{hours} h {minutes:02d}"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def offset_words(offset_s: int) -> str:
    """« avance de 2 h 10 » / « retarde de 3 j » (a positive offset: the desk is behind)."""
    way = "retarde" if offset_s > 0 else "avance"
    return f"{way} de {spoken_duration(offset_s)}"


_SET_IT = "réglez la date et l'heure de cet ordinateur, puis synchronisez à nouveau"


@dataclass(frozen=True)
class DeskClock:
    """What the server knows of one desk's clock at a push."""

    offset_s: int | None  # server time − the desk's time (None: the desk did not say)
    limit_s: int = DEFAULT_LIMIT_S
    previous_contact: datetime | None = None  # server time of the end of its previous sync

    @property
    def trusted(self) -> bool:
        return self.offset_s is not None and abs(self.offset_s) <= self.limit_s

    def why_not(self) -> str:
        """Why the clock itself is not trusted (French), "" when it is."""
        if self.offset_s is None:
            return (
                "l'heure de ce poste n'a pas pu être mesurée (logiciel du poste à mettre à "
                "jour) : la demande a été jugée à l'heure du serveur"
            )
        if abs(self.offset_s) > self.limit_s:
            return (
                f"l'horloge de ce poste {offset_words(self.offset_s)} : {_SET_IT} ; la "
                "demande a été jugée à l'heure du serveur"
            )
        return ""


@dataclass(frozen=True)
class Moment:
    """When an op's deadline is judged (server time) and, when that is the server's own now
    rather than the op's corrected time, why (French)."""

    at: datetime
    distrust: str = ""


_SET_BACK = (
    "l'horloge de ce poste a été reculée : cette opération est datée d'avant {what} ; "
    f"{_SET_IT} ; la demande a été jugée à l'heure du serveur"
)


def ask_moments(clock: DeskClock, made: list[datetime | None], now: datetime) -> list[Moment]:
    """The moment each op of a push (in device order, `made` their made_at) is judged at."""
    moments: list[Moment] = []
    latest = clock.previous_contact
    if latest is not None:
        latest -= timedelta(seconds=CONTACT_SLACK_S)
    what = "sa dernière synchronisation"
    for made_at in made:
        if made_at is None:
            moments.append(Moment(now))
            continue
        why = clock.why_not()
        if why:
            moments.append(Moment(now, why))
            continue
        at = made_at + timedelta(seconds=clock.offset_s or 0)
        if at > now:
            why = (
                "l'horloge de ce poste a daté cette opération d'après l'heure du serveur : "
                f"{_SET_IT} ; la demande a été jugée à l'heure du serveur"
            )
        elif latest is not None and at < latest:
            why = _SET_BACK.format(what=what)
        if why:
            moments.append(Moment(now, why))
            continue
        moments.append(Moment(at))
        latest, what = at, "une opération précédente de ce poste"
    return moments
