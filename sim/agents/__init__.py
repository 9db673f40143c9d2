"""The agents of the world: enterprises and ports (officers and smugglers come later)."""
