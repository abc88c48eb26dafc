"""What the plan means as a whole: the interlock graph, what producers
deliver, how each assumption meets its producer, and why goals fall short."""
