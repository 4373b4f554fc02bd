"""Support's rules: cases, their payloads and states, SLA clocks, DMCA notices and evidence packs (pure)."""
