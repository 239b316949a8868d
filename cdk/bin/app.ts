#!/usr/bin/env node
/** `npx cdk synth` entry point (cdk.json → "app"). */
import { createApp } from '../app.js';

createApp();
