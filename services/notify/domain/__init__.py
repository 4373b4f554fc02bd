"""The pure rules of notify: who hears of what, and what they are told. No I/O."""
