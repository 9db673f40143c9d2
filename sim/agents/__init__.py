"""The agents of the world: enterprises, smuggling networks, officers, ports and partner agencies."""
