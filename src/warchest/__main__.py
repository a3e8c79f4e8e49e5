"""``python -m warchest``: the command line, also as a file spark-submit can run
(docs/engines.md: ``spark-submit ... "$(python -c 'import warchest.__main__ as m;
print(m.__file__)')" --lake s3a://bucket/lake lake derive``)."""

from warchest.cli import main

if __name__ == "__main__":
    main()
