"""Write samples/assessments_small.csv: a small synthetic extract (no real children).

Seeded, so the file is the same on every machine; rerun to regenerate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20231
ROWS = 60


def main() -> None:
    rng = np.random.default_rng(SEED)
    referral = np.datetime64("2023-03-01") + rng.integers(0, 120, ROWS).astype("timedelta64[D]")
    took = rng.gamma(shape=6.0, scale=9.0, size=ROWS).astype(int)
    authorised = referral + took.astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "child_id": [f"SYN{n:05d}" for n in rng.permutation(ROWS)],
            "referral_date": pd.to_datetime(referral).strftime("%d/%m/%Y"),
            "authorised_date": pd.to_datetime(authorised).strftime("%Y-%m-%d"),
            "team": rng.choice(["East", "North", "South"], ROWS),
        }
    )
    # a few still open: no authorised date yet
    frame.loc[rng.choice(ROWS, 4, replace=False), "authorised_date"] = ""
    out = Path(__file__).with_name("assessments_small.csv")
    frame.sort_values("referral_date", key=lambda s: pd.to_datetime(s, dayfirst=True)).to_csv(
        out, index=False
    )
    print(f"wrote {out} ({ROWS} rows)")


if __name__ == "__main__":
    main()
