"""The department's window: the status matrix, its dialogs, the charts and the consolidated exports."""
