import os

DEBUG = True
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///shop.db")

# Fake credentials for the demo: palisade must flag these.
AWS_ACCESS_KEY_ID = "AKIAZ7QW3MPL6TRBXJ5N"
AWS_SECRET_ACCESS_KEY = "q8Xv2Lr9Tn4Wm7Kp1Zs6Hd3Jf0Gb5Yc8Ue2Ra7Nv"
SMTP_PASSWORD = "Tr0ub4dor&3-horse-battery"
STRIPE_KEY = os.environ["STRIPE_KEY"]  # fine: read from the environment
