/** Replays the real-Salt cases of output/nested.json: the outputter's text must match byte for byte. */
import { replayOutputCases } from './_replay.js';

replayOutputCases('nested.json');
