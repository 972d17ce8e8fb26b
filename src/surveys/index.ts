// CSAT and NPS surveys at the end of a conversation (docs/surveys.md): the pure state machine,
// the turn that puts it around the dialog, the texts of flows/surveys.yaml and the settings.
export { loadSurveyTexts, parseSurveyTexts, SURVEYS_FILE, type SurveyTextsLoad } from './loader.ts';
export type { SurveyTexts } from './schema.ts';
export { DEFAULT_SURVEY_SETTINGS, surveySettingsSchema, type SurveySettings } from './settings.ts';
export { readSurveyState, surveyPending, type SurveyStage, type SurveyState, type SurveyTrigger } from './state.ts';
export { abandonSurvey, PAYLOAD_NO_PERSON, PAYLOAD_PERSON, PAYLOAD_SKIP, scorePayload, SURVEY_PAYLOAD_PREFIX } from './machine.ts';
export { endedOn, SURVEY_EVENT, SURVEY_FLOW, surveyedTurn, type HistoryLine, type SurveyFacts, type Surveys, type SurveyedTurn } from './turn.ts';
