"""hyperlint: an offline linter for Amazon SageMaker HyperPod on Amazon EKS."""

__version__ = "0.1.0"
