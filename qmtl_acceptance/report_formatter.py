"""The Allure formatter, with each scenario's epic, story, severity and suites added as it starts.

allure-behave reads a scenario's labels from its tags once, when the scenario
starts; the labels are added to the tags for that moment only, so no other
formatter (the console, JUnit) shows them.
"""
from __future__ import annotations

from allure_behave.formatter import AllureFormatter as _AllureFormatter

from .report_labels import allure_tags, labels_for


class AllureFormatter(_AllureFormatter):
    def __init__(self, stream_opener, config) -> None:
        super().__init__(stream_opener, config)
        start_scenario = self.listener.start_scenario

        def start_with_labels(scenario) -> None:
            feature = scenario.feature
            added = allure_tags(labels_for(feature.filename, feature.name, feature.description, scenario.effective_tags))
            scenario.tags.extend(added)
            try:
                start_scenario(scenario)
            finally:
                del scenario.tags[len(scenario.tags) - len(added):]

        self.listener.start_scenario = start_with_labels
