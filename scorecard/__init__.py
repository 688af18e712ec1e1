"""The measure catalogue, approved data, the computed live scorecard and its published editions."""
