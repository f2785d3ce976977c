"""The commands, one module each: its options on the command line and its step — reading, then
computing, then returning a report record that a writer (report/write/) writes in the format asked
for. The command line (cli.py) registers the modules named here, in the order `--help` lists them.
"""

NAMES = ("run", "buffers", "refusion", "activity", "diff", "explain", "followup", "history", "report", "backtest", "validate",
         "config", "init", "project", "whatif", "version")
