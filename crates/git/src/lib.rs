//! palisade-git: reads what a commit will contain from git, and which lines it changes.
