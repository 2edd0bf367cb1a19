// Filled in by the command-line issue; kept so the solution builds end to end.
return 0;
