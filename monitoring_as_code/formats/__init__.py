"""What each configuration format accepts in each position a user value lands in.

One module per format. Each offers checks (`reason(value) -> str | None`: why the value
cannot stand there, or None) used by the lint rules, and, where a value is written into
text, a writer that refuses anything a check would reject: an unchecked value can never
change the meaning of the file it lands in."""
