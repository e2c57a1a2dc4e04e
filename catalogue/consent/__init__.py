"""Consent and withdrawal (issue 19), above the stages: `withdraw` takes a person out of every
output at once (the cut list first, then every stage's outputs made to agree), `verify_person`
proves it by looking through every generated file, and the consent log keeps what was done
without any of the withdrawn words."""

from __future__ import annotations

from catalogue.consent.log import log_path, read_log
from catalogue.consent.scan import Trace
from catalogue.consent.verify import VerifyReport, editor_inputs, verify_person
from catalogue.consent.withdraw import Outcome, WithdrawError, load, tidy, withdraw

__all__ = [
    "editor_inputs", "load", "log_path", "Outcome", "read_log", "tidy", "Trace", "verify_person", "VerifyReport", "withdraw",
    "WithdrawError",
]
