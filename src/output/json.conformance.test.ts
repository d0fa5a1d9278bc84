/** Replays the real-Salt cases of output/json.json: the outputter's text must match byte for byte. */
import { replayOutputCases } from './_replay.js';

replayOutputCases('json.json');
