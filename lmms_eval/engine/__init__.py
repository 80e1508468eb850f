"""The evaluator: plan -> prefetch media -> batch -> call model -> journal -> score -> aggregate."""
