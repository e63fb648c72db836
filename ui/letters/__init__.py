"""Letters: the queue to print, the Letter… dialog, the interest calculator, the letterhead."""
