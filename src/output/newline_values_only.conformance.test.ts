/** Replays the real-Salt cases of output/newline_values_only.json: the outputter's text must match byte for byte. */
import { replayOutputCases } from './_replay.js';

replayOutputCases('newline_values_only.json');
