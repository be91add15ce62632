from scraper.cli import console

console()
