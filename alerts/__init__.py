"""Alert rule definitions: every RuleGroup or AlertRule defined in a module here is compiled."""
