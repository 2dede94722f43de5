"""A second, independent execution: transitions machines and the hypothesis stateful bridge."""
