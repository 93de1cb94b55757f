#!/usr/bin/env python
from tilmeld.__main__ import main

if __name__ == "__main__":
    main()
