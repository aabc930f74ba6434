"""The help desk: when the shop answers (hours), and the conversations it answers."""
