import sys

from mutation.campaign import main

sys.exit(main())
